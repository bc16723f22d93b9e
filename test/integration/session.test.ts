import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  SessionCaptureRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionGetRequest,
  SessionListRequest,
  SessionPauseRequest,
  SessionRestartRequest,
  SessionResumeRequest,
  SessionSendRequest,
  SessionStartRequest,
  SessionStopRequest,
  SessionUpdateRequest,
  type SelectorResult,
  type Session,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { tmux } from '../helpers/daemon.js';
import { SHELL, useDaemon } from '../helpers/harness.js';
import { isAlive, processState } from '../helpers/processes.js';

const h = useDaemon();

describe('session/create', () => {
  it('runs a program whose output capture shows', async () => {
    const session = await h.createShell({ name: 'echo' });
    expect(session).toMatchObject({ name: 'echo', space: 'default', status: 'running', command: SHELL, agent: 'shell' });
    expect(session.id).toMatch(/^s[0-9a-z]{7}$/);
    expect(isAlive(session.pid!)).toBe(true);
    await h.client.request(SessionSendRequest, { session: 'echo', text: 'echo "sum=$((40+2))"' });
    const screen = await h.waitForScreen(session, (s) => s.includes('sum=42'));
    expect(screen).toContain('$ echo "sum=$((40+2))"\nsum=42');
  });

  it('fills defaults: the login shell, the home directory, a name from the program, unique in its space', async () => {
    const first = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], space: 'defaults' });
    const second = await h.client.request(SessionCreateRequest, { command: ['/bin/sleep', '1000'], space: 'defaults' });
    expect([first.name, second.name]).toEqual(['sleep', 'sleep-2']);
    expect(first).toMatchObject({ cwd: homedir(), agent: 'generic', restartPolicy: 'never', size: { cols: 120, rows: 40 }, labels: {}, context: {} });
    const shell = await h.client.request(SessionCreateRequest, { space: 'defaults', env: { PS1: '$ ' } });
    expect(shell.command).toEqual(['/bin/bash', '-l']);
    expect(shell.agent).toBe('shell');
  });

  it('keeps every field it was given', async () => {
    const session = await h.client.request(SessionCreateRequest, {
      name: 'full',
      space: 'fields',
      command: ['sleep', '1000'],
      cwd: '/tmp',
      env: { FOO: 'bar baz' },
      agent: 'claude',
      labels: { team: 'core', 'app.kubernetes.io/name': 'x' },
      taskId: 'T-1',
      agentId: 'A-1',
      sessionType: 'worker',
      context: { plan: ['a', 'b'], depth: 2 },
      restartPolicy: 'on-failure',
      size: { cols: 90, rows: 30 },
    });
    expect(session).toMatchObject({
      env: { FOO: 'bar baz' }, agent: 'claude', labels: { team: 'core' }, taskId: 'T-1', agentId: 'A-1',
      sessionType: 'worker', context: { plan: ['a', 'b'], depth: 2 }, restartPolicy: 'on-failure', size: { cols: 90, rows: 30 },
    });
    const size = await tmux(h.paths.tmuxSocket, 'display-message', '-p', '-t', `=${session.id}:`, '#{window_width}x#{window_height}');
    expect(size.trim()).toBe('90x30');
    expect(await h.client.request(SessionGetRequest, { session: 'fields/full' })).toEqual(session);
  });

  it('passes env to the program and sets SESSD_SESSION and SESSD_SOCKET', async () => {
    const session = await h.createShell({ name: 'env', env: { GREETING: 'hi there; $HOME' } });
    await h.client.request(SessionSendRequest, { session: session.id, text: 'echo "[$GREETING][$SESSD_SESSION][$SESSD_SOCKET]"' });
    await h.waitForScreen(session, (s) => s.includes(`[hi there; $HOME][${session.id}][${h.paths.socket}]`));
  });

  it('accepts hostile names as data and finds them again', async () => {
    for (const name of ['a;b', '#{pane_id}', `it's "quoted"`, 'é漢字😀', '$(rm -rf ~)', 'services', 'tab-less name']) {
      const session = await h.client.request(SessionCreateRequest, { name, space: 'hostile', command: ['sleep', '1000'] });
      expect(session.name).toBe(name);
      expect((await h.client.request(SessionGetRequest, { session: `hostile/${name}` })).id).toBe(session.id);
    }
  });

  it('records start: false as created, and starts it later', async () => {
    const session = await h.client.request(SessionCreateRequest, { name: 'later', command: ['sleep', '1000'], start: false });
    expect(session).toMatchObject({ status: 'created', pid: null, startedAt: null });
    const started = (await h.client.request(SessionStartRequest, { session: 'later' })) as Session;
    expect(started.status).toBe('running');
    expect(isAlive(started.pid!)).toBe(true);
  });

  it('refuses a duplicate name in the same space, not in another', async () => {
    await h.client.request(SessionCreateRequest, { name: 'dup', command: ['sleep', '1000'] });
    const e = await expectError(h.client.request(SessionCreateRequest, { name: 'dup', command: ['true'] }), -32002, 'session_exists');
    expect(e.message).toBe('duplicate session: default/dup');
    await h.client.request(SessionCreateRequest, { name: 'dup', space: 'elsewhere', command: ['sleep', '1000'] });
  });

  it('refuses unknown templates, missing programs and directories, and bad fields, naming the field', async () => {
    await expectError(h.client.request(SessionCreateRequest, { template: 'nope' }), -32008, 'template_not_found');
    const cases: [Record<string, unknown>, string][] = [
      [{ command: ['no-such-program-xyz'] }, 'command[0]'],
      [{ command: [] }, 'command'],
      [{ cwd: '/no/such/dir' }, 'cwd'],
      [{ cwd: 'relative/dir' }, 'cwd'],
      [{ name: 'two\nlines' }, 'name'],
      [{ name: 'a/b' }, 'name'],
      [{ space: '' }, 'space'],
      [{ env: { 'BAD-NAME': 'x' } }, 'env.BAD-NAME'],
      [{ env: { OK: 'nul\u0000' } }, 'env.OK'],
      [{ size: { cols: 0, rows: 10 } }, 'size.cols'],
      [{ restartPolicy: 'sometimes' }, 'restartPolicy'],
      [{ labels: { 'bad key!': 'x' } }, 'labels.bad key!'],
      [{ context: 'not an object' }, 'context'],
      [{ start: 'yes' }, 'start'],
      [{ comand: ['typo'] }, 'comand'],
    ];
    for (const [params, field] of cases) {
      const e = await expectError(h.client.raw('session/create', params), -32602, 'invalid_params');
      expect(e.data).toMatchObject({ field });
      expect(e.message).toContain(field);
    }
  });
});

describe('session/list and session/get', () => {
  it('filters by every field and pages with a cursor', async () => {
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await h.client.request(SessionCreateRequest, {
          name: `l${i}`, space: 'list', command: ['sleep', '1000'], labels: { parity: i % 2 === 0 ? 'even' : 'odd' },
          taskId: `task-${i % 2}`, agentId: i === 3 ? 'agent-3' : undefined, start: i !== 4,
        }),
      );
    }
    const names = async (params: object) => (await h.client.request(SessionListRequest, { space: 'list', ...params })).sessions.map((s) => s.name);
    expect(await names({})).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
    expect(await names({ labels: { parity: 'odd' } })).toEqual(['l1', 'l3']);
    expect(await names({ status: ['created'] })).toEqual(['l4']);
    expect(await names({ taskId: 'task-0' })).toEqual(['l0', 'l2', 'l4']);
    expect(await names({ agentId: 'agent-3' })).toEqual(['l3']);
    expect(await names({ createdAfter: made[1]!.createdAt, createdBefore: made[4]!.createdAt })).toEqual(
      made.filter((s) => s.createdAt > made[1]!.createdAt && s.createdAt < made[4]!.createdAt).map((s) => s.name),
    );
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await h.client.request(SessionListRequest, { space: 'list', limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page.sessions.map((s) => s.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(pages).toEqual([['l0', 'l1'], ['l2', 'l3'], ['l4']]);
    await expectError(h.client.request(SessionListRequest, { cursor: 'garbage' }), -32602, 'invalid_params');
    await expectError(h.client.raw('session/list', { limit: 0 }), -32602, 'invalid_params');
  });

  it('finds a session by id, space/name, and name in the default space; else session_not_found', async () => {
    const session = await h.client.request(SessionCreateRequest, { name: 'findme', command: ['sleep', '1000'] });
    for (const ref of [session.id, 'default/findme', 'findme']) {
      expect((await h.client.request(SessionGetRequest, { session: ref })).id).toBe(session.id);
    }
    const e = await expectError(h.client.request(SessionGetRequest, { session: 'nobody' }), -32001, 'session_not_found');
    expect(e.data).toMatchObject({ session: 'nobody' });
  });
});

describe('session/update', () => {
  it('merges labels (null removes) and merge-patches or replaces context', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'upd', command: ['sleep', '1000'], labels: { a: '1', b: '2' }, context: { x: { y: 1, z: 2 } } });
    const from = h.client.events.length;
    await h.client.subscribe({ sessions: [s.id], types: ['session.updated'] });
    let u = await h.client.request(SessionUpdateRequest, { session: 'upd', labels: { b: null, c: '3' }, context: { x: { z: null, w: 4 } } });
    expect(u.labels).toEqual({ a: '1', c: '3' });
    expect(u.context).toEqual({ x: { y: 1, w: 4 } });
    u = await h.client.request(SessionUpdateRequest, { session: 'upd', context: { fresh: true }, contextMode: 'replace' });
    expect(u.context).toEqual({ fresh: true });
    expect((await h.client.request(SessionGetRequest, { session: 'upd' })).context).toEqual({ fresh: true });
    const event = await h.client.waitForEvent((e) => e.type === 'session.updated' && (e.data as { context: object }).context !== undefined && JSON.stringify(e.data).includes('fresh'), from);
    expect(event.sessionId).toBe(s.id);
  });
});

describe('lifecycle', () => {
  it('stops gracefully, keeps the screen, starts again in the same tmux session, restarts', async () => {
    const s = await h.createShell({ name: 'cycle' });
    await h.client.request(SessionSendRequest, { session: 'cycle', text: 'echo before-stop' });
    await h.waitForScreen(s, (screen) => screen.includes('before-stop\n'));
    const stopped = (await h.client.request(SessionStopRequest, { session: 'cycle' })) as Session;
    // An interactive shell ignores SIGTERM; the SIGHUP that comes with it ends it.
    expect(stopped).toMatchObject({ status: 'stopped', pid: null, exitSignal: 'SIGHUP', exitCode: 129 });
    expect(stopped.endedAt).not.toBeNull();
    expect(isAlive(s.pid!)).toBe(false);
    const kept = await h.client.request(SessionCaptureRequest, { session: 'cycle' });
    expect(kept.text).toContain('before-stop');
    const started = (await h.client.request(SessionStartRequest, { session: 'cycle' })) as Session;
    expect(started).toMatchObject({ status: 'running', exitCode: null, exitSignal: null, endedAt: null });
    expect(started.pid).not.toBe(s.pid);
    await h.waitForScreen(s, (screen) => screen.trimEnd().endsWith('$'));
    const restarted = (await h.client.request(SessionRestartRequest, { session: 'cycle' })) as Session;
    expect(restarted.status).toBe('running');
    expect(restarted.pid).not.toBe(started.pid);
    expect(isAlive(started.pid!)).toBe(false);
  });

  it('kills a program that ignores the graceful signals once the timeout passes, or at once with force', async () => {
    const stubborn = ['bash', '-c', 'trap "" TERM HUP; echo trapped; while :; do read -t 1000 x; done'];
    const a = await h.client.request(SessionCreateRequest, { name: 'stubborn', command: stubborn });
    // A stop before bash has set its trap would end it with SIGTERM.
    await h.waitForScreen(a, (screen) => screen.includes('trapped'));
    const stopped = (await h.client.request(SessionStopRequest, { session: 'stubborn', timeoutMs: 200 })) as Session;
    expect(stopped).toMatchObject({ status: 'stopped', exitSignal: 'SIGKILL', exitCode: 137 });
    expect(isAlive(a.pid!)).toBe(false);
    await h.client.request(SessionStartRequest, { session: 'stubborn' });
    const forced = (await h.client.request(SessionStopRequest, { session: 'stubborn', force: true })) as Session;
    expect(forced.exitSignal).toBe('SIGKILL');
  });

  it('pauses and resumes the whole process group with SIGSTOP and SIGCONT', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'pausable', command: ['sleep', '1000'] });
    const paused = (await h.client.request(SessionPauseRequest, { session: 'pausable' })) as Session;
    expect(paused.status).toBe('paused');
    expect(processState(s.pid!)).toBe('T');
    const e = await expectError(h.client.request(SessionPauseRequest, { session: 'pausable' }), -32003, 'invalid_state');
    expect(e.data).toMatchObject({ status: 'paused', action: 'pause' });
    const resumed = (await h.client.request(SessionResumeRequest, { session: 'pausable' })) as Session;
    expect(resumed.status).toBe('running');
    expect(processState(s.pid!)).toBe('S');
    await h.client.request(SessionPauseRequest, { session: 'pausable' });
    // A paused program still stops: it is continued so that it can act on the signals.
    const stopped = (await h.client.request(SessionStopRequest, { session: 'pausable' })) as Session;
    expect(stopped.status).toBe('stopped');
    expect(isAlive(s.pid!)).toBe(false);
  });

  it('refuses illegal transitions with invalid_state naming the status', async () => {
    await h.client.request(SessionCreateRequest, { name: 'illegal', command: ['sleep', '1000'], start: false });
    for (const [decl, action] of [
      [SessionStopRequest, 'stop'],
      [SessionPauseRequest, 'pause'],
      [SessionResumeRequest, 'resume'],
    ] as const) {
      const e = await expectError(h.client.request(decl, { session: 'illegal' }), -32003, 'invalid_state');
      expect(e.data).toMatchObject({ status: 'created', action });
      expect(e.message).toBe(`cannot ${action} session default/illegal: it is created`);
    }
    await h.client.request(SessionStartRequest, { session: 'illegal' });
    await expectError(h.client.request(SessionStartRequest, { session: 'illegal' }), -32003, 'invalid_state');
    await expectError(h.client.request(SessionResumeRequest, { session: 'illegal' }), -32003, 'invalid_state');
  });

  it('records a program that ends on its own as exited, with its code and its screen', async () => {
    const from = h.client.events.length;
    await h.client.subscribe({ types: ['session.exited', 'session.status'] });
    const s = await h.client.request(SessionCreateRequest, { name: 'ends', command: ['sh', '-c', 'echo last words; exit 3'] });
    const exited = await h.client.waitForEvent((e) => e.type === 'session.exited' && e.sessionId === s.id, from);
    expect(exited.data).toEqual({ exitCode: 3, exitSignal: null });
    await h.client.waitForEvent((e) => e.type === 'session.status' && e.sessionId === s.id && e.data.status === 'exited', from);
    expect(await h.client.request(SessionGetRequest, { session: 'ends' })).toMatchObject({ status: 'exited', exitCode: 3, pid: null });
    expect((await h.client.request(SessionCaptureRequest, { session: 'ends', lines: 100 })).text).toContain('last words');
    await expectError(h.client.request(SessionSendRequest, { session: 'ends', text: 'x' }), -32003, 'invalid_state');
  });

  it('records a program killed from outside as exited by that signal', async () => {
    const from = h.client.events.length;
    await h.client.subscribe({ types: ['session.exited'] });
    const s = await h.client.request(SessionCreateRequest, { name: 'killed', command: ['sleep', '1000'] });
    process.kill(s.pid!, 'SIGKILL');
    const exited = await h.client.waitForEvent((e) => e.type === 'session.exited' && e.sessionId === s.id, from);
    expect(exited.data).toEqual({ exitCode: 137, exitSignal: 'SIGKILL' });
  });

  it('deletes a live session: stops it, removes its tmux session and its record', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'doomed', command: ['sleep', '1000'] });
    const last = (await h.client.request(SessionDeleteRequest, { session: 'doomed' })) as Session;
    expect(last.status).toBe('stopped');
    expect(isAlive(s.pid!)).toBe(false);
    await expect(tmux(h.paths.tmuxSocket, 'has-session', '-t', `=${s.id}`)).rejects.toThrow();
    await expectError(h.client.request(SessionGetRequest, { session: s.id }), -32001, 'session_not_found');
    // The name is free again.
    await h.client.request(SessionCreateRequest, { name: 'doomed', command: ['sleep', '1000'] });
  });

  it('applies a selector to every match and reports partial failure as data', async () => {
    const made = await Promise.all(
      ['x', 'y', 'z'].map((n) => h.client.request(SessionCreateRequest, { name: n, space: 'sel', command: ['sleep', '1000'], labels: { group: 'g' } })),
    );
    await h.client.request(SessionStopRequest, { session: 'sel/z' });
    const result = (await h.client.request(SessionStopRequest, { selector: { space: 'sel', labels: { group: 'g' } } })) as SelectorResult;
    expect(result.ok.sort()).toEqual([made[0]!.id, made[1]!.id].sort());
    expect(result.failed).toEqual([
      { id: made[2]!.id, error: { code: -32003, message: 'cannot stop session sel/z: it is stopped', data: { id: made[2]!.id, status: 'stopped', action: 'stop', code: 'invalid_state' } } },
    ]);
    const deleted = (await h.client.request(SessionDeleteRequest, { selector: { space: 'sel' } })) as SelectorResult;
    expect(deleted.ok).toHaveLength(3);
    expect((await h.client.request(SessionListRequest, { space: 'sel' })).sessions).toEqual([]);
    await expectError(h.client.raw('session/stop', { session: 'a', selector: {} }), -32602, 'invalid_params');
    await expectError(h.client.raw('session/stop', {}), -32602, 'invalid_params');
  });
});
