import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonStatusRequest, SessionCreateRequest, SessionGetRequest, SessionListRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { DAEMON_MAIN, killTmuxServer, pathsIn, tempDir, TestDaemon, type DaemonPaths } from '../helpers/daemon.js';
import { createOtherUser } from '../helpers/other-user.js';
import { isAlive, processesMentioning } from '../helpers/processes.js';
import { sess } from '../helpers/sess.js';

const run = promisify(execFile);
const daemons: TestDaemon[] = [];
const servers: string[] = [];

afterAll(async () => {
  for (const daemon of daemons) if (daemon.proc.exitCode === null && daemon.proc.signalCode === null) await daemon.stop();
  for (const socket of servers) await killTmuxServer(socket);
});

async function start(paths: DaemonPaths): Promise<TestDaemon> {
  servers.push(paths.tmuxSocket);
  const daemon = await TestDaemon.start(paths);
  daemons.push(daemon);
  return daemon;
}

/** The abstract-namespace names an older sessd locked, which any local user could bind first. */
function oldLockName(kind: string, path: string): string {
  return `\0sessd-${kind}-${process.getuid?.() ?? 0}-${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
}

describe('process locks', () => {
  it('cannot be taken, squatted or flooded by another local user', async () => {
    const other = await createOtherUser('locks against another user');
    if (other === null) return;
    try {
      const paths = pathsIn(await tempDir());
      // Before sessd starts: bind the names older sessds locked on, and hold them.
      const attacker = other.node(
        `const net = require('net'), fs = require('fs');
         const names = JSON.parse(process.argv[1]), paths = JSON.parse(process.argv[2]);
         let bound = 0;
         for (const name of names) net.createServer().listen(name, () => { if (++bound === names.length) console.log('bound'); });
         process.stdin.once('data', async () => {
           const tries = {};
           for (const file of paths.locks) {
             try { fs.closeSync(fs.openSync(file, 'r')); tries[file] = 'opened'; } catch (e) { tries[file] = e.code; }
           }
           tries.connect = await new Promise((resolve) => {
             const s = net.createConnection(paths.socket);
             s.on('connect', () => { s.destroy(); resolve('connected'); });
             s.on('error', (e) => resolve(e.code));
           });
           console.log(JSON.stringify(tries));
         });`,
        [
          JSON.stringify([oldLockName('socket', paths.socket), oldLockName('store', paths.stateDir), oldLockName('tmux', paths.tmuxSocket)]),
          JSON.stringify({ socket: paths.socket, locks: [`${paths.socket}.lock`, join(paths.stateDir, 'sessd.lock'), `${paths.tmuxSocket}.sessd.lock`] }),
        ],
      );
      expect(await attacker.nextLine()).toBe('bound');
      await start(paths);
      attacker.proc.stdin!.write('go\n');
      expect(JSON.parse(await attacker.nextLine())).toEqual({
        [`${paths.socket}.lock`]: 'EACCES',
        [join(paths.stateDir, 'sessd.lock')]: 'EACCES',
        [`${paths.tmuxSocket}.sessd.lock`]: 'EACCES',
        connect: 'EACCES',
      });
      const ls = await sess(paths, ['--no-autostart', 'ls']);
      expect(ls.code).toBe(0);

      // A state directory someone else owns (where they could plant the lock) is refused, saying so.
      const theirs = join(other.shared, 'state');
      const planter = other.node(`require('fs').mkdirSync(process.argv[1], { mode: 0o777 }); require('fs').writeFileSync(process.argv[1] + '/sessd.lock', ''); console.log('planted');`, [theirs]);
      expect(await planter.nextLine()).toBe('planted');
      const refused = TestDaemon.spawn({ ...pathsIn(await tempDir()), stateDir: theirs });
      expect((await refused.exited).code).toBe(1);
      expect(refused.stderr).toContain(`${theirs} is owned by uid ${other.uid}, not by you`);
    } finally {
      await other.remove();
    }
  });

  it('hold across network namespaces: a second sessd under unshare -n on the same store is refused and marks nothing crashed', async () => {
    const isolated = await run('unshare', ['-n', 'true']).then(() => true, (e: Error) => e.message);
    if (isolated !== true) {
      console.log(`unshare -n: skipped, cannot make a network namespace here (${isolated})`);
      return;
    }
    const paths = pathsIn(await tempDir());
    await start(paths);
    const client = await TestClient.connect(paths.socket);
    const s = await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    // Its own socket and tmux server, the same store: it would find none of the store's sessions in its tmux.
    const second = spawn(
      'unshare',
      ['-n', process.execPath, DAEMON_MAIN, '--socket', join(paths.dir, 'n.sock'), '--tmux-socket', join(paths.dir, 'n-tmux.sock'), '--state-dir', paths.stateDir],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    servers.push(join(paths.dir, 'n-tmux.sock'));
    let stderr = '';
    second.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`another sessd is already running with state dir ${paths.stateDir}`);
    expect(await client.request(SessionGetRequest, { session: s.id })).toMatchObject({ status: 'running', pid: s.pid });
    expect(isAlive(s.pid!)).toBe(true);
    client.close();
  });

  it('two started at once: one wins, the other is refused; kill -9 of the winner frees its locks while its tmux server runs on', async () => {
    const paths = pathsIn(await tempDir());
    servers.push(paths.tmuxSocket);
    const pair = [TestDaemon.spawn(paths), TestDaemon.spawn(paths)];
    daemons.push(...pair);
    const outcomes = await Promise.all(pair.map((d) => d.ready().then(() => 'ready', () => 'exited')));
    expect([...outcomes].sort()).toEqual(['exited', 'ready']);
    const winner = pair[outcomes.indexOf('ready')]!;
    const loser = pair[outcomes.indexOf('exited')]!;
    expect((await loser.exited).code).toBe(1);
    expect(loser.stderr).toMatch(/another sessd is already running with (socket|state dir|tmux socket)/);

    const client = await TestClient.connect(paths.socket);
    const s = await client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    client.close();
    await winner.kill9();
    // The lock holder goes with it; the tmux server and the session stay.
    expect(isAlive(s.pid!)).toBe(true);
    const next = await start(paths);
    const again = await TestClient.connect(paths.socket);
    expect((await again.request(SessionListRequest, {})).sessions.map((x) => [x.id, x.status])).toEqual([[s.id, 'running']]);
    expect((await again.request(DaemonStatusRequest, {})).pid).toBe(next.pid);
    // Only the new daemon's lock holder mentions these paths.
    expect(processesMentioning(`${paths.socket}.lock`).length).toBe(1);
    again.close();
  });

  it('refuses a lock file that is a symlink', async () => {
    const paths = pathsIn(await tempDir());
    await mkdir(paths.stateDir, { mode: 0o700 });
    await writeFile(join(paths.dir, 'elsewhere'), '');
    await run('ln', ['-s', join(paths.dir, 'elsewhere'), join(paths.stateDir, 'sessd.lock')]);
    const daemon = TestDaemon.spawn(paths);
    expect((await daemon.exited).code).toBe(1);
    expect(daemon.stderr).toContain(`cannot take the lock ${join(paths.stateDir, 'sessd.lock')} of state dir ${paths.stateDir}: it is a symbolic link`);
  });
});
