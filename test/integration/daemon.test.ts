import { execFile, spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonShutdownRequest, DaemonStatusRequest, SessionCreateRequest, SessionListRequest } from '../../shared/protocol/index.js';
import { TestClient, expectError } from '../helpers/client.js';
import { DAEMON_MAIN, killTmuxServer, pathsIn, tempDir, TestDaemon, tmux, type DaemonPaths } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';

const run = promisify(execFile);
const started: { daemon?: TestDaemon; paths: DaemonPaths }[] = [];

/** A daemon on fresh paths, stopped with its tmux server after the file. */
async function fresh(options: { args?: string[]; env?: NodeJS.ProcessEnv; paths?: DaemonPaths } = {}): Promise<{ daemon: TestDaemon; paths: DaemonPaths; client: TestClient }> {
  const paths = options.paths ?? pathsIn(await tempDir());
  const entry: { daemon?: TestDaemon; paths: DaemonPaths } = { paths };
  started.push(entry);
  entry.daemon = await TestDaemon.start(paths, options);
  return { daemon: entry.daemon, paths, client: await TestClient.connect(paths.socket) };
}

/** Runs sessd expecting it to refuse to start; resolves with its exit code and stderr. */
async function refused(paths: DaemonPaths, args: string[] = []): Promise<{ code: number | null; stderr: string }> {
  const daemon = TestDaemon.spawn(paths, { args });
  const { code } = await daemon.exited;
  return { code, stderr: daemon.stderr };
}

afterAll(async () => {
  for (const { daemon, paths } of started) {
    if (daemon !== undefined) await daemon.stop();
    await killTmuxServer(paths.tmuxSocket);
  }
});

describe('the socket', () => {
  it('is created 0600 in a 0700 directory', async () => {
    const dir = await tempDir();
    const paths = { ...pathsIn(dir), socket: join(dir, 'run', 'sessd', 's.sock') };
    await fresh({ paths });
    expect((await lstat(join(dir, 'run', 'sessd'))).mode & 0o777).toBe(0o700);
    expect((await lstat(paths.socket)).mode & 0o777).toBe(0o600);
  });

  it('refuses a second sessd on the same socket, and the first carries on', async () => {
    const { paths, client } = await fresh();
    const second = await refused({ ...paths, stateDir: join(paths.dir, 'other-state'), tmuxSocket: join(paths.dir, 'o.sock') });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another sessd is already running with socket ${paths.socket}`);
    expect((await client.request(DaemonStatusRequest, {})).pid).toBeGreaterThan(0);
    const sameStore = await refused({ ...paths, socket: join(paths.dir, 'x.sock'), tmuxSocket: join(paths.dir, 'o.sock') });
    expect(sameStore.stderr).toContain(`another sessd is already running with state dir ${paths.stateDir}`);
    client.close();
  });

  it('removes a stale socket that nothing answers on, and refuses one that something answers on', async () => {
    const paths = pathsIn(await tempDir());
    // A socket file left by a listener that was killed (so it could not unlink it).
    const orphan = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(paths.socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((resolve) => orphan.once('exit', resolve));
    expect((await lstat(paths.socket)).isSocket()).toBe(true);
    const { client } = await fresh({ paths });
    expect((await client.request(DaemonStatusRequest, {})).paths.socket).toBe(paths.socket);
    client.close();

    // Something else answering there (not sessd) also blocks the start.
    const other = pathsIn(await tempDir());
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(other.socket, resolve));
    const result = await refused(other);
    expect(result.stderr).toContain(`another sessd is already serving ${other.socket}`);
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  });

  it('refuses a path that is not a socket, a directory open to others, and a path over sun_path', async () => {
    const a = pathsIn(await tempDir());
    await writeFile(a.socket, 'not a socket');
    expect((await refused(a)).stderr).toContain(`${a.socket} exists and is not a socket`);

    const b = pathsIn(await tempDir());
    await mkdir(join(b.dir, 'open'), { mode: 0o755 });
    await chmod(join(b.dir, 'open'), 0o755);
    const open = await refused({ ...b, socket: join(b.dir, 'open', 's.sock') });
    expect(open.code).toBe(1);
    expect(open.stderr).toContain(`${join(b.dir, 'open')} is open to other users (mode 755): run chmod 700`);

    if (process.getuid?.() === 0) {
      await mkdir(join(b.dir, 'theirs'), { mode: 0o700 });
      await chown(join(b.dir, 'theirs'), 65534, 65534);
      expect((await refused({ ...b, socket: join(b.dir, 'theirs', 's.sock') })).stderr).toContain('is owned by uid 65534, not by you');
    }

    const long = join(b.dir, 'x'.repeat(120) + '.sock');
    const tooLong = await refused({ ...b, socket: long });
    expect(tooLong.stderr).toMatch(/socket path is \d+ bytes, over the 107-byte limit/);
  });

  it('takes a socket passed by systemd (LISTEN_FDS) from systemd-socket-activate', async () => {
    const hasActivate = await run('systemd-socket-activate', ['--help']).then(() => true, () => false);
    if (!hasActivate) {
      console.log('socket activation: skipped, systemd-socket-activate is not installed');
      return;
    }
    const paths = pathsIn(await tempDir());
    const proc = spawn('systemd-socket-activate', [
      '-l', paths.socket, process.execPath, DAEMON_MAIN, '--tmux-socket', paths.tmuxSocket, '--state-dir', paths.stateDir, '--log-level', 'debug',
    ]);
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    try {
      let err = '';
      // The listening socket exists before sessd runs; the first connection starts it.
      await new Promise<void>((resolve) =>
        proc.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('Listening on')) resolve();
        }),
      );
      const client = await TestClient.connect(paths.socket);
      const status = await client.request(DaemonStatusRequest, {});
      expect(status.paths.socket).toBe(paths.socket);
      await client.request(DaemonShutdownRequest, {});
      await exited;
      client.close();
    } finally {
      proc.kill('SIGTERM');
      await exited;
      await killTmuxServer(paths.tmuxSocket);
    }
  });
});

describe('stopping', () => {
  it('stops cleanly on SIGTERM without touching sessions, and removes its socket', async () => {
    const { daemon, paths, client } = await fresh();
    const s = await client.request(SessionCreateRequest, { name: 'survivor', command: ['sleep', '1000'] });
    client.close();
    expect(await daemon.stop()).toBe(0);
    expect(isAlive(s.pid!)).toBe(true);
    await tmux(paths.tmuxSocket, 'has-session', '-t', `=${s.id}`);
    await expect(lstat(paths.socket)).rejects.toThrow();
    // And a new daemon finds it running.
    const again = await fresh({ paths });
    expect((await again.client.request(SessionListRequest, {})).sessions.map((x) => [x.id, x.status, x.pid])).toEqual([[s.id, 'running', s.pid]]);
    again.client.close();
  });

  it('stops on daemon/shutdown after replying, and on SIGINT', async () => {
    const { daemon, client } = await fresh();
    const s = await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    expect(await client.request(DaemonShutdownRequest, {})).toEqual({});
    expect((await daemon.exited).code).toBe(0);
    expect(isAlive(s.pid!)).toBe(true);
    client.close();
    const other = await fresh();
    other.daemon.proc.kill('SIGINT');
    expect((await other.daemon.exited).code).toBe(0);
    other.client.close();
  });
});

describe('limits and faults', () => {
  it('refuses sessions over the configured count with limit_exceeded', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'c.yaml'), 'limits:\n  sessions: 2\n');
    const { client } = await fresh({ paths: pathsIn(dir), args: ['--config', join(dir, 'c.yaml')] });
    await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    const e = await expectError(client.request(SessionCreateRequest, { command: ['sleep', '1000'] }), -32007, 'limit_exceeded');
    expect(e.data).toMatchObject({ limit: 'sessions', max: 2 });
    client.close();
  });

  it('reports a broken config in daemon/status and runs on defaults', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'c.yaml'), 'limits:\n  sessions: many\n');
    const { client } = await fresh({ paths: pathsIn(dir), args: ['--config', join(dir, 'c.yaml')] });
    const status = await client.request(DaemonStatusRequest, {});
    expect(status.config).toMatchObject({ file: join(dir, 'c.yaml'), loaded: false });
    expect(status.config.error).toContain('limits.sessions');
    client.close();
  });

  it('answers provider_unavailable when tmux cannot run, and says why', async () => {
    const { client } = await fresh({ args: ['--tmux', '/nonexistent/tmux'] });
    const e = await expectError(client.request(SessionCreateRequest, { command: ['sleep', '1'] }), -32004, 'provider_unavailable');
    expect(e.message).toContain('tmux not found');
    const status = await client.request(DaemonStatusRequest, {});
    expect(status.tmux).toMatchObject({ available: false, reason: expect.stringContaining('/nonexistent/tmux') as string });
    expect((await client.request(SessionListRequest, {})).sessions).toEqual([]);
    client.close();
  });

  it('answers timeout when tmux stops answering, and recovers when it does', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'c.yaml'), 'limits:\n  tmuxTimeoutMs: 300\n');
    const { client } = await fresh({ paths: pathsIn(dir), args: ['--config', join(dir, 'c.yaml')] });
    const s = await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    // A first send returns once the program is past its start (input to a starting
    // program waits for it to be ready, up to 15 s); the one timed below goes straight to tmux.
    await client.raw('session/send', { session: s.id, text: 'ready?' });
    const serverPid = (await client.request(DaemonStatusRequest, {})).tmux.serverPid!;
    process.kill(serverPid, 'SIGSTOP');
    try {
      const e = await expectError(client.raw('session/send', { session: s.id, text: 'hello' }), -32011, 'timeout');
      expect(e.data).toMatchObject({ timeoutMs: 300 });
      // The daemon itself keeps answering.
      expect((await client.request(DaemonStatusRequest, {})).sessions.total).toBe(1);
    } finally {
      process.kill(serverPid, 'SIGCONT');
    }
    await client.raw('session/send', { session: s.id, text: 'hello again' });
    client.close();
  });

  it('answers storage_error when the disk is full, applies nothing, and works once there is room', async () => {
    if (process.getuid?.() !== 0) {
      console.log('disk full: skipped, mounting a small tmpfs needs root');
      return;
    }
    const dir = await tempDir();
    const state = join(dir, 'state');
    await mkdir(state);
    // mode=0700: a tmpfs root is 1777 otherwise, and sessd refuses a state dir that others may write in.
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', state]);
    try {
      const paths = { ...pathsIn(dir), stateDir: state };
      const { client } = await fresh({ paths });
      const kept = await client.request(SessionCreateRequest, { name: 'kept', command: ['sleep', '1000'] });
      // Fill the disk.
      const filler = join(state, 'filler');
      await writeFile(filler, Buffer.alloc(0));
      for (;;) {
        try {
          await writeFile(filler, Buffer.alloc(64 * 1024), { flag: 'a' });
        } catch {
          break;
        }
      }
      let failure: unknown;
      for (let i = 0; i < 50 && failure === undefined; i++) {
        await client.request(SessionCreateRequest, { name: `full-${i}`, command: ['sleep', '1000'], context: { pad: 'x'.repeat(20_000) } }).catch((e: unknown) => (failure = e));
      }
      const e = await expectError(Promise.reject(failure), -32010, 'storage_error');
      expect(e.message).toContain('the store refused the write');
      // What was refused is neither listed nor left running in tmux.
      const listed = (await client.request(SessionListRequest, {})).sessions;
      expect(listed.map((x) => x.name)).toContain('kept');
      const tmuxSessions = (await tmux(paths.tmuxSocket, 'list-sessions', '-F', '#{session_name}')).trim().split('\n');
      expect(tmuxSessions.filter((n) => n !== '_sessd').sort()).toEqual(listed.map((x) => x.id).sort());
      await run('rm', ['-f', filler]);
      const after = await client.request(SessionCreateRequest, { name: 'after', command: ['sleep', '1000'] });
      expect(after.status).toBe('running');
      expect((await client.request(SessionListRequest, {})).sessions.map((x) => x.id)).toContain(kept.id);
      client.close();
      await started.at(-1)!.daemon!.stop();
      started.at(-1)!.daemon = undefined;
      await killTmuxServer(paths.tmuxSocket);
    } finally {
      await run('umount', [state]);
    }
  });
});

describe('the config file', () => {
  it('fails to start when an explicit --config does not exist', async () => {
    const paths = pathsIn(await tempDir());
    const result = await refused(paths, ['--config', join(paths.dir, 'missing.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read');
    expect(await readFile(join(paths.dir, 'missing.yaml')).catch(() => null)).toBeNull();
  });
});
