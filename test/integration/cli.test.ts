import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { DaemonStatus, SelectorResult, Session, SessionListResult } from '../../shared/protocol/index.js';
import { SessionCaptureRequest, SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { killTmuxServer, pathsIn, tempDir, tmux } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { isAlive } from '../helpers/processes.js';
import { ScreenWatcher } from '../helpers/screen.js';
import { SESS, sess, sessEnv, sessJson } from '../helpers/sess.js';

const h = useDaemon();
const run = (args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }) => sess(h.paths, args, options);
const json = <T>(args: string[], options?: { input?: string }) => sessJson<T>(h.paths, args, options);

describe('sess new, ls, show', () => {
  it('starts a program and lists it, as text and as the protocol objects', async () => {
    const created = await run(['new', '-n', 'web', '-s', 'cli', '-l', 'team=web', '-e', 'GREETING=hi there', '--task', 'T-9', '--', 'sleep', '1000']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^started cli\/web \(s[0-9a-z]{7}\): sleep 1000\n$/);
    const session = await json<Session>(['show', 'cli/web']);
    expect(session).toMatchObject({ name: 'web', space: 'cli', labels: { team: 'web' }, env: { GREETING: 'hi there' }, taskId: 'T-9', command: ['sleep', '1000'], status: 'running' });
    const table = await run(['ls', '-s', 'cli']);
    expect(table.stdout.split('\n')[0]).toBe('NAME  SPACE  STATUS   ACTIVITY  AGE  COMMAND');
    // A program that prints nothing reads as idle once it has been quiet a while (2 s): a slow machine lists it after that.
    expect(table.stdout).toMatch(/^web {3}cli {4}running {2}(unknown|idle {3}) {3}\d+s +sleep 1000$/m);
    expect((await run(['ls', '-s', 'cli', '--wide'])).stdout).toContain(session.id);
    const listed = await json<SessionListResult>(['ls', '-s', 'cli', '-l', 'team=web']);
    expect(listed.sessions.map((s) => s.id)).toEqual([session.id]);
    const shown = await run(['show', 'cli/web']);
    expect(shown.stdout).toMatch(/^session +cli\/web \(s[0-9a-z]{7}\)$/m);
    expect(shown.stdout).toMatch(/^labels +team=web$/m);
  });

  it('takes the command after the first positional, with its own options, in the current directory', async () => {
    const cwd = await tempDir('cwd');
    const created = await json<Session>(['new', '-n', 'own-opts', '-c', cwd, 'bash', '--norc', '--noprofile']);
    expect(created.command).toEqual(['bash', '--norc', '--noprofile']);
    expect(created.cwd).toBe(cwd);
    const later = await json<Session>(['new', '-n', 'later', '--no-start', '--size', '90x20', '--restart', 'on-failure', '--context', '{"a":1}', 'true']);
    expect(later).toMatchObject({ status: 'created', size: { cols: 90, rows: 20 }, restartPolicy: 'on-failure', context: { a: 1 } });
  });

  it('prints "No sessions" for an empty space', async () => {
    expect((await run(['ls', '-s', 'nothing-here'])).stdout).toBe('No sessions. Start one with `sess new`.\n');
  });
});

describe('sess send, keys, interrupt, capture', () => {
  it('types text from arguments and from standard input, presses keys, and captures the screen', async () => {
    const s = await h.createShell({ name: 'typing', space: 'cli' });
    expect(await run(['send', 'cli/typing', 'echo', 'from-args-$((2+3))'])).toMatchObject({ code: 0, stdout: 'sent to cli/typing\n' });
    await h.waitForScreen(s, (screen) => screen.includes('from-args-5'));
    await run(['send', 'cli/typing'], { input: 'echo "from stdin; #{pane_id}"\n' });
    await h.waitForScreen(s, (screen) => screen.includes('from stdin; #{pane_id}\n'));
    await run(['send', '--no-enter', 'cli/typing', 'echo', 'half']);
    await run(['keys', 'cli/typing', 'Space', 'd', 'o', 'n', 'e', 'Enter']);
    await h.waitForScreen(s, (screen) => screen.includes('\nhalf done\n'));
    await run(['send', '--no-enter', 'cli/typing', 'sleep 1000']);
    await run(['keys', 'cli/typing', 'Enter']);
    await run(['interrupt', 'cli/typing']);
    await h.waitForScreen(s, (screen) => /sleep 1000\n\^C\n\$$/.test(screen.trimEnd()));
    const text = (await run(['capture', 'cli/typing'])).stdout;
    expect(text).toContain('from-args-5');
    expect(text.endsWith('$\n')).toBe(true);
    const last = await json<{ text: string; cursor: { x: number; y: number } }>(['capture', 'cli/typing', '-n', '2']);
    expect(last.text.split('\n')).toHaveLength(2);
    expect(last.cursor.x).toBe(2);
    await run(['send', 'cli/typing', "printf '\\033[32mgreen\\033[0m\\n'"]);
    await h.waitForScreen(s, (screen) => screen.includes('\ngreen\n'));
    expect((await run(['capture', 'cli/typing', '--ansi'])).stdout).toContain('\u001b[32mgreen');
    const message = await json<{ status: string; text: string }>(['send', 'cli/typing', 'true']);
    expect(message).toMatchObject({ status: 'delivered', text: 'true' });
  });
});

describe('sess lifecycle commands', () => {
  it('stops, starts, restarts, pauses, resumes and removes, by name and by selector', async () => {
    for (const name of ['a', 'b', 'c']) await run(['new', '-n', name, '-s', 'life', '-l', 'group=g', 'sleep', '1000']);
    expect((await run(['stop', 'life/a'])).stdout).toBe('life/a: stopped (SIGTERM)\n');
    const started = await json<Session>(['start', 'life/a']);
    expect(started.status).toBe('running');
    expect((await json<Session>(['restart', 'life/a'])).pid).not.toBe(started.pid);
    expect((await run(['pause', 'life/b', 'life/c'])).stdout).toBe('life/b: paused\nlife/c: paused\n');
    const resumed = await json<SelectorResult>(['resume', '--status', 'paused', '-s', 'life']);
    expect(resumed.ok).toHaveLength(2);
    expect((await run(['stop', '--force', 'life/b'])).stdout).toBe('life/b: stopped (SIGKILL)\n');
    const removed = await run(['rm', '--label', 'group=g']);
    expect(removed.code).toBe(0);
    expect(removed.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect((await json<SessionListResult>(['ls', '-s', 'life'])).sessions).toEqual([]);
  });

  it('updates labels and context', async () => {
    await run(['new', '-n', 'upd', '-s', 'life', '-l', 'keep=1', '-l', 'drop=1', 'sleep', '1000']);
    const updated = await json<Session>(['update', 'life/upd', '-l', 'stage=review', '--unlabel', 'drop', '--context', '{"ticket":"ENG-1","n":{"a":1}}']);
    expect(updated.labels).toEqual({ keep: '1', stage: 'review' });
    expect(updated.context).toEqual({ ticket: 'ENG-1', n: { a: 1 } });
    const merged = await json<Session>(['update', 'life/upd', '--context', '{"n":{"b":2},"ticket":null}']);
    expect(merged.context).toEqual({ n: { a: 1, b: 2 } });
    const replaced = await json<Session>(['update', 'life/upd', '--context', '{"x":true}', '--replace-context']);
    expect(replaced.context).toEqual({ x: true });
  });
});

describe('sess events', () => {
  it('prints past events and, with -f, new ones as they happen', async () => {
    await run(['new', '-n', 'evented', '-s', 'ev', 'sleep', '1000']);
    const past = await run(['events', '--type', 'session.created']);
    expect(past.stdout).toMatch(/^ +\d+ \d\d:\d\d:\d\d session\.created +ev\/evented running: sleep 1000$/m);
    const all = (await run(['events', '--json', '--from', '1'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
    expect(all[0]!.seq).toBe(1);
    for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBe(all[i - 1]!.seq + 1);

    const follower = spawn(process.execPath, [SESS, 'events', '-f', '--json', '--type', 'session.status', '--session', 'ev/evented'], { env: sessEnv(h.paths) });
    const lines = createInterface({ input: follower.stdout });
    const next = new Promise<string>((resolve) => lines.once('line', resolve));
    // The follower has subscribed once it has read the past (none of this type yet).
    await run(['stop', 'ev/evented']);
    const line = JSON.parse(await next) as { type: string; data: { status: string } };
    expect(line).toMatchObject({ type: 'session.status', data: { status: 'stopped' } });
    follower.kill('SIGINT');
    await new Promise((resolve) => follower.once('exit', resolve));
  });
});

describe('exit codes and errors', () => {
  it('ends quietly when its reader closes the pipe early (sess logs | head)', async () => {
    // Far more output than a pipe holds, so that sess is still writing when the reader goes.
    const s = await h.client.request(SessionCreateRequest, { name: 'long-log', command: ['sh', '-c', 'seq 1 300000; echo SEQ-DONE; exec sleep 1000'], cwd: h.dir });
    await h.waitForScreen(s, (screen) => screen.includes('SEQ-DONE'));
    const child = spawn(process.execPath, [SESS, 'logs', 'long-log'], { env: sessEnv(h.paths), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('exits 2 on a usage error, with what to type instead', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, stderr: 'sess: unknown command "frobnicate" (see sess --help)\n' });
    expect(await run(['ls', '--bogus'])).toMatchObject({ code: 2, stderr: 'sess: unknown option --bogus for sess ls (see sess ls --help)\n' });
    expect(await run(['show'])).toMatchObject({ code: 2, stderr: 'sess: sess show needs SESSION (see sess show --help)\n' });
    expect((await run(['new', '-e', 'NOEQUALS', 'true'])).code).toBe(2);
    expect((await run(['stop'])).stderr).toContain('name at least one session, or select with');
    expect((await run(['new', '-n', 'bad/name', 'true'])).stderr).toContain('invalid params: name: must not contain "/"');
    expect((await run(['daemon'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  it('exits 4 when a session is not found, 1 when an operation fails', async () => {
    expect(await run(['show', 'nobody'])).toMatchObject({ code: 4, stderr: 'sess: session not found: nobody\n' });
    expect((await run(['stop', 'nobody', 'nobody-either'])).code).toBe(4);
    await run(['new', '-n', 'once', '-s', 'codes', 'sleep', '1000']);
    await run(['stop', 'codes/once']);
    const again = await run(['stop', 'codes/once']);
    expect(again).toMatchObject({ code: 1, stderr: 'sess: cannot stop session codes/once: it is stopped\n' });
    const mixed = await run(['start', 'codes/once', 'nobody']);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toBe('codes/once: started\n');
    const asJson = await run(['stop', 'nobody', '--json']);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ session: 'nobody', error: { code: -32001, data: { code: 'session_not_found' } } });
  });

  it('says when this sessd does not support a method', async () => {
    // An older sessd: it speaks the protocol but implements only the handshake.
    const paths = pathsIn(await tempDir('older'));
    const server = createServer((socket) => {
      const rpc = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
      rpc.onRequest((method) => {
        if (method !== 'initialize') return new ResponseError(ErrorCodes.MethodNotFound, `method not found: ${method}`, { method });
        return { protocolVersion: 1, serverInfo: { name: 'sessd', version: '0.0.9', pid: process.pid }, capabilities: { methods: ['initialize'], notifications: [], eventTypes: [], backends: ['tmux'], limits: { maxFrameBytes: 1 << 20, maxMessageBytes: 1 << 16 } } };
      });
      socket.on('error', () => undefined);
      rpc.listen();
    });
    await new Promise<void>((resolve) => server.listen(paths.socket, resolve));
    try {
      const result = await sess(paths, ['logs', 'anything', '--no-autostart']);
      expect(result).toMatchObject({ code: 1, stderr: 'sess: this sessd does not support session/transcript; upgrade it\n' });
    } finally {
      server.close();
    }
  });

  it('refuses to talk in a protocol version the daemon cannot serve', async () => {
    const result = await run(['ls'], { env: { SESSD_CLIENT_PROTOCOL: '2' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('sess: sessd refused this sess: protocol version 2 is not supported: this sessd 0.1.0 speaks protocol 1. Use a sess and a sessd of the same release.\n');
  });
});

describe('autostart', () => {
  it('exits 3 with --no-autostart when no sessd answers, and starts one otherwise', async () => {
    const paths = pathsIn(await tempDir('auto'));
    const refused = await sess(paths, ['ls', '--no-autostart']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`sess: sessd is not running (no answer on ${paths.socket}: ENOENT). Start it with \`sess daemon start\``);
    try {
      // Two at once: one sessd wins, both clients get their answer.
      const [a, b] = await Promise.all([sess(paths, ['new', '-n', 'first', 'sleep', '1000']), sess(paths, ['ls', '--json'])]);
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      const status = await sessJson<DaemonStatus>(paths, ['daemon', 'status']);
      expect(status.paths.socket).toBe(paths.socket);
      expect((await sess(paths, ['daemon', 'stop'])).stdout).toBe(`sessd (pid ${status.pid}) is stopping; sessions keep running\n`);
      const after = await sess(paths, ['daemon', 'status']);
      expect(after.code).toBe(3);
    } finally {
      await killTmuxServer(paths.tmuxSocket);
    }
  });
});

describe('sess attach', () => {
  it('runs in a real terminal: types into the session, detaches, and leaves it running', async () => {
    const target = await h.createShell({ name: 'attached', space: 'cli' });
    const outer = join(h.dir, 'o.sock');
    const env = Object.entries(sessEnv(h.paths))
      .filter(([k]) => k.startsWith('SESSD_'))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    // A terminal of the test's own: a pane of a second tmux server runs `sess attach`.
    await tmux(outer, '-f', '/dev/null', 'new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', '--', 'sh', '-c',
      `${env} ${process.execPath} ${SESS} attach cli/attached; echo "sess exited with $?"; exec sleep 1000`);
    const watcher = await ScreenWatcher.attach(outer, 'term');
    try {
      const screen = (): Promise<string> => tmux(outer, 'capture-pane', '-p', '-t', '=term:');
      await watcher.waitFor(screen, (s) => s.includes('$'));
      await tmux(outer, 'send-keys', '-t', '=term:', 'echo typed-$((3*4))', 'Enter');
      await watcher.waitFor(screen, (s) => s.includes('typed-12'));
      expect((await h.client.request(SessionCaptureRequest, { session: target.id })).text).toContain('typed-12');
      await tmux(outer, 'send-keys', '-t', '=term:', 'C-b', 'd');
      await watcher.waitFor(screen, (s) => s.includes('sess exited with 0'));
      // Named, not by its id.
      expect(await screen()).toContain('[detached from cli/attached; sess attach cli/attached to come back]');
      expect(await screen()).not.toContain(target.id);
      expect((await h.client.request(SessionGetRequest, { session: target.id })).status).toBe('running');
      expect(isAlive(target.pid!)).toBe(true);
    } finally {
      await watcher.close();
      await killTmuxServer(outer);
    }
    // A session without a screen says so.
    await run(['new', '-n', 'noscreen', '-s', 'cli', '--no-start', 'true']);
    expect((await run(['attach', 'cli/noscreen'])).stderr).toBe('sess: cli/noscreen is created and has no screen to attach to; start it with `sess start cli/noscreen`\n');
  });
});

describe('help and completion', () => {
  it('explains itself', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Usage: sess <command> [options]');
    for (const c of ['new', 'ls', 'attach', 'send', 'keys', 'capture', 'logs', 'events', 'stop', 'rm', 'update', 'daemon status']) expect(main.stdout).toContain(`  ${c} `);
    const help = await run(['new', '--help']);
    expect(help.stdout).toContain('Usage: sess new [options] [--] [COMMAND [ARG]...]');
    expect(help.stdout).toContain('-n, --name NAME');
    expect(help.stdout).toContain('Examples:');
    expect((await run(['--version'])).stdout).toBe('sess 0.1.0\n');
  });

  it('prints a completion script and completes commands and session names from sessd', async () => {
    const script = await run(['completion']);
    expect(script.stdout).toContain('--get-yargs-completions');
    const commands = await run(['--get-yargs-completions', 'sess', '']);
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['new', 'ls', 'attach', 'daemon']));
    await run(['new', '-n', 'completable', 'sleep', '1000']);
    const names = await run(['--get-yargs-completions', 'sess', 'attach', 'compl']);
    expect(names.stdout.split('\n')).toContain('completable');
  });
});
