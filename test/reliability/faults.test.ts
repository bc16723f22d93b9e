import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ResponseError } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  SessionCreateRequest,
  SessionListRequest,
  SessionSendRequest,
  SessionUpdateRequest,
  type Session,
} from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { killTmuxServer, pathsIn, TestDaemon } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { isAlive } from '../helpers/processes.js';
import { figure, mib, rssOf } from './figures.js';
import { smallStateDir } from './tmpfs.js';
import { frame, RawConnection } from './raw.js';

/** Unread output one client may leave queued before the daemon drops it: small, so the test reaches it fast. */
const CLIENT_BUFFER_BYTES = 1024 * 1024;
/** How far the daemon's RSS may grow while a client does not read: a bound on buffering, not on speed. */
const RSS_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;
/** Events of about this size make the stuck client's queue grow quickly. */
const EVENT_PAD_BYTES = 64 * 1024;
/** Hang guard: a client that does not read is dropped after a few of those events. */
const MAX_UPDATES = 2_000;

const run = promisify(execFile);
const h = useDaemon({ config: `limits:\n  clientBufferBytes: ${CLIENT_BUFFER_BYTES}\n` });

/** Errors a request may meet while tmux is gone: typed, never internal. */
function errorName(error: unknown): string {
  if (!(error instanceof ResponseError)) throw error;
  expect(error.code, error.message).not.toBe(-32603);
  return (error.data as { code?: string } | undefined)?.code ?? String(error.code);
}

describe('faults', () => {
  it('tmux server killed mid-workload: sessions are recorded crashed, errors are typed, and sessd serves again', async () => {
    const T = 'faults/tmux-killed';
    const sessions: Session[] = [];
    for (let i = 0; i < 4; i++) sessions.push(await h.client.request(SessionCreateRequest, { name: `victim-${i}`, command: ['cat'], cwd: h.dir }));
    const from = h.client.events.length;
    await h.client.subscribe({ types: ['session.status'] });
    const serverPid = (await h.client.request(DaemonStatusRequest, {})).tmux.serverPid!;
    const errors = new Map<string, number>();
    let acked = 0;
    let killed = false;
    const worker = async (client: TestClient): Promise<void> => {
      // Sends until the kill and a few rounds after, so some land while tmux is gone.
      for (let after = 0; after < 20; after += killed ? 1 : 0) {
        const target = sessions[Math.floor(Math.random() * sessions.length)]!;
        try {
          await client.request(SessionSendRequest, { session: target.id, text: 'x' });
          acked++;
        } catch (error) {
          const name = errorName(error);
          errors.set(name, (errors.get(name) ?? 0) + 1);
        }
        if (!killed && acked >= 10) {
          killed = true;
          process.kill(serverPid, 'SIGKILL');
        }
      }
    };
    await Promise.all([worker(h.client), worker(await h.connect())]);
    for (const s of sessions) {
      await h.client.waitForEvent((e) => e.type === 'session.status' && e.sessionId === s.id && e.data.status === 'crashed', from);
    }
    expect(isAlive(h.daemon.pid)).toBe(true);
    const after = await h.client.request(SessionCreateRequest, { name: 'after-tmux', command: ['cat'], cwd: h.dir });
    expect(after.status).toBe('running');
    const listed = (await h.client.request(SessionListRequest, {})).sessions;
    for (const s of sessions) expect(listed.find((x) => x.id === s.id)?.status).toBe('crashed');
    figure(T, 'sends acknowledged before and after the kill', acked);
    figure(T, 'typed errors by name', JSON.stringify(Object.fromEntries(errors)));
    figure(T, 'sessions recorded crashed', sessions.length);
  });

  it('store disk full: writes fail with storage_error, nothing acknowledged is lost, and sessd works once there is room', async () => {
    const T = 'faults/disk-full';
    const small = await smallStateDir(T, '2m');
    if (small === null) return;
    const { dir, state } = small;
    const paths = { ...pathsIn(dir), stateDir: state };
    let daemon: TestDaemon | undefined;
    try {
      daemon = await TestDaemon.start(paths);
      const client = await TestClient.connect(paths.socket);
      const acked: string[] = [];
      const refused = new Map<string, number>();
      // Sessions with a large context until the disk refuses; then the same again, to see it keep refusing cleanly.
      for (let i = 0; i < 200 && (refused.get('storage_error') ?? 0) < 5; i++) {
        try {
          const s = await client.request(SessionCreateRequest, { name: `fill-${i}`, command: ['cat'], cwd: dir, context: { pad: 'x'.repeat(30_000) } });
          acked.push(s.id);
        } catch (error) {
          const name = errorName(error);
          refused.set(name, (refused.get(name) ?? 0) + 1);
        }
      }
      expect([...refused.keys()]).toEqual(['storage_error']);
      expect(isAlive(daemon.pid)).toBe(true);
      const listed = new Set((await client.request(SessionListRequest, {})).sessions.map((s) => s.id));
      for (const id of acked) expect(listed.has(id)).toBe(true);
      // Room again: the filesystem grows.
      await run('mount', ['-o', 'remount,size=16m', state]);
      const after = await client.request(SessionCreateRequest, { name: 'after', command: ['cat'], cwd: dir });
      expect(after.status).toBe('running');
      client.close();
      figure(T, 'sessions acknowledged before the disk was full', acked.length);
      figure(T, 'writes refused with storage_error', refused.get('storage_error') ?? 0);
    } finally {
      if (daemon !== undefined) await daemon.stop();
      await killTmuxServer(paths.tmuxSocket);
      await run('umount', [state]);
    }
  });

  it('a client that stops reading is dropped; memory stays bounded and other clients are served', async () => {
    const T = 'faults/stuck-client';
    const s = await h.client.request(SessionCreateRequest, { name: 'noisy', command: ['cat'], cwd: h.dir });
    const stuck = await RawConnection.open(h.paths.socket);
    stuck.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientName: 'stuck', clientVersion: '1', protocolVersion: 1 } })));
    stuck.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events/subscribe', params: {} })));
    await stuck.until(2);
    stuck.socket.pause(); // from here on it reads nothing
    const rssStart = rssOf(h.daemon.pid);
    let rssMax = rssStart;
    let updates = 0;
    let served = 0;
    const dropped = (): boolean => h.daemon.logs.some((l) => l.msg === 'client is not reading; disconnecting it');
    while (!dropped() && updates < MAX_UPDATES) {
      await h.client.request(SessionUpdateRequest, { session: s.id, context: { pad: 'y'.repeat(EVENT_PAD_BYTES), n: updates++ } });
      await h.client.request(DaemonStatusRequest, {});
      served++;
      rssMax = Math.max(rssMax, rssOf(h.daemon.pid));
    }
    expect(dropped()).toBe(true);
    expect(rssMax - rssStart).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
    // A paused socket sees its end only once it reads again: then the connection is closed.
    stuck.socket.resume();
    await stuck.done;
    figure(T, 'events of ~64 KiB before the client was dropped', updates);
    figure(T, 'client buffer limit', mib(CLIENT_BUFFER_BYTES), 'MiB');
    figure(T, 'requests of another client served meanwhile', served);
    figure(T, 'daemon RSS at start / peak', `${mib(rssStart).toFixed(1)} / ${mib(rssMax).toFixed(1)}`, 'MiB');
  });
});
