import { execFile, spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonShutdownRequest, DaemonStatusRequest, SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { DAEMON_MAIN, killTmuxServer, pathsIn, REPO, tempDir, TestDaemon, waitForExit } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';
import { sess } from '../helpers/sess.js';

const run = promisify(execFile);
const tmuxSockets: string[] = [];

afterAll(async () => {
  for (const socket of tmuxSockets) await killTmuxServer(socket);
});

const has = (program: string): Promise<boolean> => run('sh', ['-c', `command -v ${program}`]).then(() => true, () => false);

/**
 * `systemd-analyze --user verify` on unit files; resolves with everything it printed.
 * It needs a runtime directory (not a running user manager); `--man=no` skips checking
 * that the Documentation= pages exist.
 */
async function verify(files: string[]): Promise<string> {
  const runtime = await tempDir('rt');
  const result = await run('systemd-analyze', ['--user', 'verify', '--man=no', ...files], { env: { ...process.env, XDG_RUNTIME_DIR: runtime } }).then(
    ({ stdout, stderr }) => stdout + stderr,
    (error: { stdout?: string; stderr?: string; message: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
  );
  return result;
}

describe('the systemd units', () => {
  it('in systemd/ and as `sess daemon install` writes them pass systemd-analyze verify without a word', async () => {
    if (!(await has('systemd-analyze'))) {
      console.log('systemd units: not verified, systemd-analyze is not installed');
      return;
    }
    const shipped = [join(REPO, 'systemd', 'sessd.socket'), join(REPO, 'systemd', 'sessd.service')];
    // The shipped service runs /usr/bin/node; systemd-analyze checks that it exists.
    if (await has('/usr/bin/node')) expect(await verify(shipped)).toBe('');

    const config = await tempDir('cfg');
    const paths = pathsIn(await tempDir());
    const installed = await sess(paths, ['daemon', 'install', '--no-enable'], { env: { XDG_CONFIG_HOME: config } });
    expect(installed.code).toBe(0);
    const unitDir = join(config, 'systemd', 'user');
    const service = await readFile(join(unitDir, 'sessd.service'), 'utf8');
    expect(service).toContain(`ExecStart=${process.execPath} ${DAEMON_MAIN}\n`);
    expect(service).toMatch(/^Type=exec$/m);
    expect(service).toMatch(/^Restart=on-failure$/m);
    const socket = await readFile(join(unitDir, 'sessd.socket'), 'utf8');
    expect(socket).toMatch(/^SocketMode=0600$/m);
    expect(socket).toMatch(/^DirectoryMode=0700$/m);
    expect(await verify([join(unitDir, 'sessd.socket'), join(unitDir, 'sessd.service')])).toBe('');

    const removed = await sess(paths, ['daemon', 'uninstall'], { env: { XDG_CONFIG_HOME: config } });
    expect(removed.code).toBe(0);
    await expect(readFile(join(unitDir, 'sessd.service'))).rejects.toThrow(/ENOENT/);
  });

  it('a socket from systemd-socket-activate is served, and a session outlives the activated sessd', async () => {
    if (!(await has('systemd-socket-activate'))) {
      console.log('socket activation: not tested, systemd-socket-activate is not installed');
      return;
    }
    const paths = pathsIn(await tempDir());
    tmuxSockets.push(paths.tmuxSocket);
    const activate = (): { exited: Promise<unknown>; listening: Promise<void>; pid: number } => {
      const proc = spawn('systemd-socket-activate', ['-l', paths.socket, process.execPath, DAEMON_MAIN, '--tmux-socket', paths.tmuxSocket, '--state-dir', paths.stateDir]);
      let err = '';
      if (process.env.SESSD_TEST_LOGS !== undefined) proc.stdout.on('data', (d: Buffer) => appendFileSync(join(process.env.SESSD_TEST_LOGS!, `activated-${proc.pid}.log`), d));
      const listening = new Promise<void>((resolve) =>
        proc.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('Listening on')) resolve();
        }),
      );
      return { exited: new Promise((resolve) => proc.once('exit', resolve)), listening, pid: proc.pid! };
    };

    const first = activate();
    await first.listening;
    const client = await TestClient.connect(paths.socket);
    const status = await client.request(DaemonStatusRequest, {});
    expect(status.paths.socket).toBe(paths.socket);
    expect(status.pid).toBe(first.pid); // systemd-socket-activate execs sessd in place
    const session = await client.request(SessionCreateRequest, { name: 'keeps', command: ['sleep', '1000'], cwd: paths.dir });
    // The listening socket systemd passed (fd 3) stays with sessd: not in tmux, not in the program.
    const socketFds = (pid: number): string[] =>
      readdirSync(`/proc/${pid}/fd`).filter((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === readlinkSync(`/proc/${first.pid}/fd/3`));
    expect(readlinkSync(`/proc/${first.pid}/fd/3`)).toMatch(/^socket:/);
    expect(socketFds(status.tmux.serverPid!)).toEqual([]);
    expect(socketFds(session.pid!)).toEqual([]);
    await client.request(DaemonShutdownRequest, {});
    await first.exited;
    client.close();
    expect(isAlive(session.pid!)).toBe(true);

    const second = activate();
    await second.listening;
    const again = await TestClient.connect(paths.socket);
    expect(await again.request(SessionGetRequest, { session: 'keeps' })).toMatchObject({ status: 'running', pid: session.pid });
    await again.request(DaemonShutdownRequest, {});
    await second.exited;
    again.close();
  });
});

describe('restarting sessd without systemd', () => {
  it('never kills a session: the whole process group of sessd killed, the programs live on and are adopted', async () => {
    const paths = pathsIn(await tempDir());
    await mkdir(paths.stateDir, { recursive: true });
    tmuxSockets.push(paths.tmuxSocket);
    // sessd in a process group of its own, as a terminal or a supervisor would run it.
    const first = TestDaemon.spawn(paths, { detached: true });
    await first.ready();
    const client = await TestClient.connect(paths.socket);
    const a = await client.request(SessionCreateRequest, { name: 'a', command: ['sleep', '1000'], cwd: paths.dir });
    const b = await client.request(SessionCreateRequest, { name: 'b', command: ['sh', '-c', 'sleep 1000'], cwd: paths.dir });
    client.close();

    process.kill(-first.pid, 'SIGKILL');
    await first.exited;
    expect([isAlive(a.pid!), isAlive(b.pid!)]).toEqual([true, true]);

    const second = await TestDaemon.start(paths);
    const again = await TestClient.connect(paths.socket);
    expect((await again.request(DaemonStatusRequest, {})).reconciled).toMatchObject({ adopted: 2, crashed: 0 });
    expect(await again.request(SessionGetRequest, { session: 'a' })).toMatchObject({ status: 'running', pid: a.pid });

    // A clean stop (SIGTERM) and a start again: the same.
    await second.stop();
    const third = await TestDaemon.start(paths);
    const last = await TestClient.connect(paths.socket);
    expect(await last.request(SessionGetRequest, { session: 'b' })).toMatchObject({ status: 'running', pid: b.pid });
    last.close();
    again.close();
    await third.stop();
    await killTmuxServer(paths.tmuxSocket);
    await waitForExit(a.pid!);
  });
});
