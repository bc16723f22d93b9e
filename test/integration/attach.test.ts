import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AttachDetachRequest,
  AttachInputRequest,
  AttachResizeRequest,
  SessionAttachRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
} from '../../shared/protocol/index.js';
import { attachPid, ptyCount, TestAttach, tmuxClients } from '../helpers/attach.js';
import { expectError } from '../helpers/client.js';
import { waitForExit } from '../helpers/daemon.js';
import { SHELL, SHELL_ENV, useDaemon, type Harness } from '../helpers/harness.js';

const SIZE_REPORTER = resolve(import.meta.dirname, '..', 'fixtures', 'size-reporter.mjs');
/**
 * Lines enough that a client which does not read falls far behind: tmux draws a
 * client only as fast as it reads, so the volume must outlast the socket buffers on
 * a big screen. The last line is one only the output (not the typed command) shows.
 */
/**
 * Output until interrupted: how much of it reaches an attached client depends on load
 * (tmux redraws instead of sending everything to a client that lags), so the flood
 * runs until the slow client is behind, then is stopped.
 */
const FLOOD = 'while :; do seq 1 100000; done\r';
const FLOOD_END = '\x03echo flood-$((40+2))\r';
/** A big screen: more drawn per line of output. */
const BIG = { cols: 250, rows: 80 };

/** Every tmux client of the attach is gone, by pid and from tmux's own list, and the daemon holds no pty. */
async function expectNoAttachLeft(h: Harness, pids: number[]): Promise<void> {
  for (const pid of pids) await waitForExit(pid);
  const left = (await tmuxClients(h.paths.tmuxSocket)).map((c) => c.pid);
  for (const pid of pids) expect(left).not.toContain(pid);
  expect(ptyCount(h.daemon.pid)).toBe(0);
}

describe('session/attach', () => {
  const h = useDaemon();

  it('serves attachers of different sizes and a read-only one on one session: input from one is seen by all', async () => {
    const s = await h.createShell({ name: 'shared' });
    const [c1, c2, c3] = [await h.connect(), await h.connect(), await h.connect()];
    const a = await TestAttach.open(c1, s.id, 80, 24);
    const b = await TestAttach.open(c2, s.id, 132, 43);
    const r = await TestAttach.open(c3, s.id, 100, 30, true);
    const pids = await Promise.all([a, b, r].map((x) => attachPid(h.daemon, x.attachId)));
    const clients = await tmuxClients(h.paths.tmuxSocket);
    expect(clients.map(({ pid, width, height, readOnly, session }) => ({ pid, width, height, readOnly, session }))).toEqual(
      expect.arrayContaining([
        { pid: pids[0], width: 80, height: 24, readOnly: false, session: s.id },
        { pid: pids[1], width: 132, height: 43, readOnly: false, session: s.id },
        { pid: pids[2], width: 100, height: 30, readOnly: true, session: s.id },
      ]),
    );

    await a.input('echo from-a-$((6*7))\r');
    for (const x of [a, b, r]) await x.waitFor('from-a-42');
    await b.input('echo from-b-$((7*7))\r');
    for (const x of [a, b, r]) await x.waitFor('from-b-49');

    // A read-only attacher's input is refused, and nothing of it reaches the program.
    await expectError(r.input('echo from-r-$((8*8))\r'), -32013, 'read_only');
    await a.input('echo after-r-$((9*9))\r');
    await a.waitFor('after-r-81');
    expect(await h.waitForScreen(s, (screen) => screen.includes('after-r-81'))).not.toContain('from-r');

    await Promise.all([a, b, r].map((x) => x.client.request(AttachDetachRequest, { attachId: x.attachId })));
    await expectNoAttachLeft(h, pids);
  });

  it('honours a resize: the tmux client and the program see the new size', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'resized', command: [process.execPath, SIZE_REPORTER], size: { cols: 100, rows: 30 } });
    const a = await TestAttach.open(h.client, s.id, 80, 24);
    const pid = await attachPid(h.daemon, a.attachId);
    // The window follows its latest client, less tmux's status line.
    await a.waitFor('size=80x23');
    await h.client.request(AttachResizeRequest, { attachId: a.attachId, cols: 91, rows: 31 });
    await a.waitFor('size=91x30');
    expect((await tmuxClients(h.paths.tmuxSocket)).find((c) => c.pid === pid)).toMatchObject({ width: 91, height: 31 });
    await h.client.request(AttachDetachRequest, { attachId: a.attachId });
    await expectNoAttachLeft(h, [pid]);
    await h.client.request(SessionDeleteRequest, { session: s.id });
  });

  it('keeps serving the others while one client does not read, and catches that one up when it reads again', async () => {
    const s = await h.createShell({ name: 'flooded' });
    const [fast, slow] = [await h.connect(), await h.connect()];
    const a = await TestAttach.open(fast, s.id, BIG.cols, BIG.rows);
    const z = await TestAttach.open(slow, s.id, BIG.cols, BIG.rows, true);
    await a.input('echo ready-$((3*3))\r');
    await z.waitFor('ready-9');

    slow.socket.pause();
    const paused = h.daemon.waitForLog((l) => l.msg === 'attach paused: its client is behind' && l.attach === z.attachId);
    await a.input(FLOOD);
    await paused;
    await a.input(FLOOD_END);
    await a.waitFor('flood-42');
    expect(z.closed).toBeUndefined();

    slow.socket.resume();
    await z.waitFor('flood-42');
    expect(z.closed).toBeUndefined();
    const pids = [await attachPid(h.daemon, a.attachId), await attachPid(h.daemon, z.attachId)];
    await fast.request(AttachDetachRequest, { attachId: a.attachId });
    await slow.request(AttachDetachRequest, { attachId: z.attachId });
    await expectNoAttachLeft(h, pids);
  });

  it('leaves no tmux client or pty behind, however the client goes', async () => {
    const s = await h.createShell({ name: 'leaving' });

    // attach/detach: the reply comes once the tmux client is gone.
    const detached = await TestAttach.open(h.client, s.id, 80, 24);
    const p1 = await attachPid(h.daemon, detached.attachId);
    await h.client.request(AttachDetachRequest, { attachId: detached.attachId });
    expect(await detached.waitClosed()).toBe('detached');
    await expectNoAttachLeft(h, [p1]);
    await expectError(detached.input('x'), -32012, 'attach_not_found');

    // Detached from inside tmux (prefix, then d).
    const keyed = await TestAttach.open(h.client, s.id, 80, 24);
    const p2 = await attachPid(h.daemon, keyed.attachId);
    await keyed.input('\x02d');
    expect(await keyed.waitClosed()).toBe('detached');
    await expectNoAttachLeft(h, [p2]);

    // The client's socket closes.
    const gone = await h.connect();
    const dropped = await TestAttach.open(gone, s.id, 80, 24);
    const p3 = await attachPid(h.daemon, dropped.attachId);
    gone.close();
    await h.daemon.waitForLog((l) => l.msg === 'attach closed' && l.attach === dropped.attachId);
    await expectNoAttachLeft(h, [p3]);

    // The session is deleted.
    const ended = await TestAttach.open(h.client, s.id, 80, 24);
    const p4 = await attachPid(h.daemon, ended.attachId);
    await h.client.request(SessionDeleteRequest, { session: s.id });
    expect(await ended.waitClosed()).toBe('session-ended');
    await expectNoAttachLeft(h, [p4]);
  });

  it('refuses what it cannot do with typed errors', async () => {
    const s = await h.createShell({ name: 'errors' });
    const other = await h.connect();
    const a = await TestAttach.open(h.client, s.id, 80, 24);
    // An attach belongs to its connection.
    await expectError(other.request(AttachInputRequest, { attachId: a.attachId, data: 'x' }), -32012, 'attach_not_found');
    await expectError(other.request(AttachResizeRequest, { attachId: a.attachId, cols: 80, rows: 24 }), -32012, 'attach_not_found');
    await expectError(h.client.request(AttachResizeRequest, { attachId: a.attachId, cols: 0, rows: 24 }), -32602);
    await expectError(h.client.request(SessionAttachRequest, { session: 'no-such', cols: 80, rows: 24 }), -32001, 'session_not_found');
    const created = await h.client.request(SessionCreateRequest, { name: 'not-started', command: SHELL, env: SHELL_ENV, start: false });
    await expectError(h.client.request(SessionAttachRequest, { session: created.id, cols: 80, rows: 24 }), -32003, 'invalid_state');
    const pid = await attachPid(h.daemon, a.attachId);
    await h.client.request(AttachDetachRequest, { attachId: a.attachId });
    await expectNoAttachLeft(h, [pid]);
  });

  it('tells every attacher that the daemon stops, and leaves no tmux client behind', async () => {
    const s = await h.createShell({ name: 'stopping' });
    const a = await TestAttach.open(h.client, s.id, 80, 24);
    const b = await TestAttach.open(await h.connect(), s.id, 90, 30, true);
    const pids = [await attachPid(h.daemon, a.attachId), await attachPid(h.daemon, b.attachId)];
    const daemonPid = h.daemon.pid;
    expect(await h.daemon.stop()).toBe(0);
    expect([a.closed, b.closed]).toEqual(['daemon-stopping', 'daemon-stopping']);
    for (const pid of [...pids, daemonPid]) await waitForExit(pid);
    const left = (await tmuxClients(h.paths.tmuxSocket)).map((c) => c.pid);
    for (const pid of pids) expect(left).not.toContain(pid);
    await h.restart();
  });
});

describe('an attached client that stays behind', () => {
  const h = useDaemon({ config: 'limits:\n  attachStall: 500ms\n' });

  it('is detached with client-too-slow, and its tmux client is gone', async () => {
    const s = await h.createShell({ name: 'stalled' });
    const writer = await TestAttach.open(h.client, s.id, BIG.cols, BIG.rows);
    const slow = await h.connect();
    const z = await TestAttach.open(slow, s.id, BIG.cols, BIG.rows, true);
    const pid = await attachPid(h.daemon, z.attachId);
    const wpid = await attachPid(h.daemon, writer.attachId);
    slow.socket.pause();
    await writer.input(FLOOD);
    await h.daemon.waitForLog((l) => l.msg === 'attach closed' && l.attach === z.attachId && l.reason === 'client-too-slow');
    await writer.input(FLOOD_END);
    // The flood's end, read off the pane: the writer only typed it (on a loaded machine
    // it may fall behind the flood itself, which is not what this test is about).
    await h.waitForScreen(s, (screen) => screen.includes('flood-42'));
    await waitForExit(pid);
    slow.socket.resume();
    expect(await z.waitClosed()).toBe('client-too-slow');
    await h.client.request(AttachDetachRequest, { attachId: writer.attachId }).catch(() => undefined);
    await expectNoAttachLeft(h, [pid, wpid]);
  });
});
