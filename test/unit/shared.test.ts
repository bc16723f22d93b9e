import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callerEnvironment } from '../../shared/caller-env.js';
import { SessdErrorCode } from '../../shared/errors.js';
import { privateDirProblem, resolvePaths, socketPathProblem } from '../../shared/paths.js';
import { ALL_NOTIFICATIONS, ALL_REQUESTS } from '../../shared/protocol/index.js';
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import { splitShellWords } from '../../shared/shell-words.js';

describe('protocol declarations', () => {
  it('declare every method of DESIGN.md once', () => {
    const methods = ALL_REQUESTS.map((r) => r.method);
    expect(new Set(methods).size).toBe(methods.length);
    for (const m of [
      'initialize', 'session/create', 'session/list', 'session/get', 'session/update', 'session/start', 'session/stop',
      'session/restart', 'session/pause', 'session/resume', 'session/suspend', 'session/delete', 'session/send',
      'session/keys', 'session/interrupt', 'session/capture', 'session/transcript', 'session/checkpoint',
      'checkpoint/list', 'checkpoint/get', 'session/restore', 'session/attach', 'attach/input', 'attach/resize',
      'attach/detach', 'message/list', 'message/get', 'interaction/list', 'interaction/respond', 'events/subscribe',
      'events/unsubscribe', 'transcript/follow', 'transcript/unfollow', 'template/list', 'template/get', 'template/set',
      'template/delete', 'space/list', 'provider/list', 'session/gc', 'daemon/status', 'daemon/metrics', 'daemon/shutdown',
    ]) {
      expect(methods).toContain(m);
    }
    expect(ALL_NOTIFICATIONS.map((n) => n.method).sort()).toEqual(['attach/closed', 'attach/output', 'events/event', 'transcript/data']);
  });

  it('number the application errors as DESIGN.md does', () => {
    expect(SessdErrorCode).toEqual({
      session_not_found: -32001, session_exists: -32002, invalid_state: -32003, provider_unavailable: -32004,
      invalid_config: -32005, checkpoint_not_found: -32006, limit_exceeded: -32007, template_not_found: -32008,
      interaction_not_found: -32009, storage_error: -32010, timeout: -32011,
      // Extensions of the contract: attaching.
      attach_not_found: -32012, read_only: -32013,
      // ... and queued messages.
      message_not_found: -32014,
    });
  });

  it('carry the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SESSD_VERSION).toBe(pkg.version);
  });
});

describe('paths', () => {
  const ctx = (env: Record<string, string>) => ({ env, uid: 1000, home: '/home/u' });

  it('follow XDG, with /tmp/sessd-UID when XDG_RUNTIME_DIR is unset', () => {
    expect(resolvePaths({}, ctx({ XDG_RUNTIME_DIR: '/run/user/1000' }))).toMatchObject({
      socket: '/run/user/1000/sessd/sessd.sock',
      tmuxSocket: '/run/user/1000/sessd/tmux.sock',
      stateDir: '/home/u/.local/state/sessd',
      storeDir: '/home/u/.local/state/sessd/store',
      configCandidates: ['/home/u/.config/sessd/config.yaml', '/home/u/.config/sessd/config.yml', '/home/u/.config/sessd/config.json'],
    });
    expect(resolvePaths({}, ctx({})).socket).toBe('/tmp/sessd-1000/sessd.sock');
    // Relative XDG values are invalid by the spec and ignored.
    expect(resolvePaths({}, ctx({ XDG_RUNTIME_DIR: 'relative', XDG_STATE_HOME: 'rel' })).stateDir).toBe('/home/u/.local/state/sessd');
  });

  it('take flags over env over defaults', () => {
    const env = { SESSD_SOCKET: '/e/s.sock', SESSD_STATE_DIR: '/e/state', SESSD_CONFIG: '/e/c.yaml', SESSD_TMUX_SOCKET: '/e/t.sock' };
    expect(resolvePaths({}, ctx(env))).toMatchObject({ socket: '/e/s.sock', stateDir: '/e/state', tmuxSocket: '/e/t.sock', configCandidates: ['/e/c.yaml'], configExplicit: true });
    expect(resolvePaths({ socket: '/f/s.sock', stateDir: '/f/state' }, ctx(env))).toMatchObject({ socket: '/f/s.sock', stateDir: '/f/state' });
  });

  it('know the sun_path limit', () => {
    expect(socketPathProblem('/' + 'a'.repeat(106))).toBeNull();
    expect(socketPathProblem('/' + 'a'.repeat(107))).toMatch(/108 bytes, over the 107-byte limit/);
  });

  it('trust a socket directory only when it is ours and closed to group and other (both sides use this rule)', () => {
    const dir = (mode: number, uid = 1000, isDir = true) => ({ isDirectory: () => isDir, uid, mode: (isDir ? 0o040000 : 0o120000) | mode });
    expect(privateDirProblem('/r/sessd', dir(0o700), 1000)).toBeNull();
    expect(privateDirProblem('/r/sessd', dir(0o1700), 1000)).toBeNull();
    expect(privateDirProblem('/r/sessd', dir(0o755), 1000)).toEqual({ kind: 'mode', mode: '755', message: '/r/sessd is open to other users (mode 755)' });
    expect(privateDirProblem('/r/sessd', dir(0o710), 1000)?.kind).toBe('mode');
    expect(privateDirProblem('/r/sessd', dir(0o701), 1000)?.kind).toBe('mode');
    expect(privateDirProblem('/tmp/sessd-1000', dir(0o700, 1001), 1000)).toEqual({
      kind: 'owner',
      owner: 1001,
      message: '/tmp/sessd-1000 is owned by uid 1001, not by you (uid 1000)',
    });
    expect(privateDirProblem('/tmp/sessd-1000', dir(0o777, 1000, false), 1000)?.kind).toBe('not-directory');
  });
});

describe('splitShellWords', () => {
  it.each([
    ['claude', ['claude']],
    ['  npm   run dev ', ['npm', 'run', 'dev']],
    [`sh -c 'echo "$HOME" ; ls'`, ['sh', '-c', 'echo "$HOME" ; ls']],
    [`say "a \\"quoted\\" word" back\\ slash`, ['say', 'a "quoted" word', 'back slash']],
    [`empty '' ""`, ['empty', '', '']],
    ['', []],
  ])('%s', (line, argv) => {
    expect(splitShellWords(line)).toEqual(argv);
  });

  it('says when a quote is not closed', () => {
    expect(splitShellWords(`echo 'oops`)).toEqual({ error: 'unclosed single quote' });
    expect(splitShellWords('echo "oops')).toEqual({ error: 'unclosed double quote' });
  });
});

describe('callerEnvironment', () => {
  it("keeps the caller's variables, less its terminal's, its editor's and sessd's own", () => {
    const env = callerEnvironment({ PATH: '/bin', FOO: 'x', TERM: 'xterm', TMUX: 't', SESSD_SOCKET: 's', VSCODE_PID: '1', 'BASH_FUNC_f%%': '() {}', NUL: 'a\u0000b', GONE: undefined });
    expect(env).toEqual({ FOO: 'x', PATH: '/bin' });
  });
});
