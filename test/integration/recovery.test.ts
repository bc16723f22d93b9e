import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  EventsSubscribeRequest,
  SessionCreateRequest,
  SessionGetRequest,
  SessionListRequest,
  SessionPauseRequest,
  SessionSendRequest,
  type Session,
} from '../../shared/protocol/index.js';
import { tmux, waitForExit } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { readFileSync } from 'node:fs';
import { isAlive, processState } from '../helpers/processes.js';

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
}

const h = useDaemon();

describe('a daemon killed with SIGKILL', () => {
  it('is replaced by one that adopts what still runs and records what changed meanwhile', async () => {
    const running = await h.createShell({ name: 'running' });
    const paused = await h.client.request(SessionCreateRequest, { name: 'paused', command: ['sleep', '1000'] });
    await h.client.request(SessionPauseRequest, { session: 'paused' });
    const lost = await h.client.request(SessionCreateRequest, { name: 'lost', command: ['sleep', '1000'] });
    const ends = await h.client.request(SessionCreateRequest, { name: 'ends', command: ['sh', '-c', 'read answer; exit 4'] });
    const stopped = await h.client.request(SessionCreateRequest, { name: 'never-started', command: ['sleep', '1'], start: false });
    const before = (await h.client.request(SessionListRequest, {})).sessions;
    const { lastSeq } = await h.client.request(EventsSubscribeRequest, {});

    // Its children: the two tmux control clients, and sessd-lock (which holds its locks).
    const children = childrenOf(h.daemon.pid);
    const isLockHolder = (pid: number): boolean => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/sessd-lock');
    expect(children.filter(isLockHolder)).toHaveLength(1);
    const controlClients = children.filter((pid) => !isLockHolder(pid));
    expect(controlClients).toHaveLength(2);
    await h.daemon.kill9();
    expect(isAlive(running.pid!)).toBe(true);
    // Meanwhile: one tmux session is killed, one program ends, a stranger appears.
    await tmux(h.paths.tmuxSocket, 'kill-session', '-t', `=${lost.id}`);
    await tmux(h.paths.tmuxSocket, 'send-keys', '-t', `=${ends.id}:`, 'Enter');
    await waitForExit(ends.pid!);
    await tmux(h.paths.tmuxSocket, 'new-session', '-d', '-s', 'stranger', 'sleep', '1000');

    await h.restart();
    // The old daemon's tmux control clients do not outlive the new daemon's start.
    for (const pid of controlClients) await waitForExit(pid);
    const status = await h.client.request(DaemonStatusRequest, {});
    expect(status.reconciled).toEqual({ adopted: 2, crashed: 1, exited: 1, unmanaged: 1 });
    expect(status.unmanaged.map((u) => u.name)).toEqual(['stranger']);
    await tmux(h.paths.tmuxSocket, 'has-session', '-t', '=stranger'); // reported, never killed

    const after = new Map((await h.client.request(SessionListRequest, {})).sessions.map((s) => [s.id, s]));
    expect([...after.keys()].sort()).toEqual(before.map((s) => s.id).sort());
    expect(after.get(running.id)).toMatchObject({ status: 'running', pid: running.pid });
    expect(after.get(paused.id)).toMatchObject({ status: 'paused', pid: paused.pid });
    expect(processState(paused.pid!)).toBe('T');
    expect(after.get(lost.id)).toMatchObject({ status: 'crashed', pid: null });
    expect(after.get(ends.id)).toMatchObject({ status: 'exited', exitCode: 4 });
    expect(after.get(stopped.id)).toMatchObject({ status: 'created' });

    // The changes are events, after the ones seen before the kill.
    await h.client.request(EventsSubscribeRequest, { fromSeq: lastSeq + 1 });
    await h.client.waitForEvent((e) => e.sessionId === lost.id && e.data.status === 'crashed');
    const exited = await h.client.waitForEvent((e) => e.sessionId === ends.id && e.type === 'session.exited');
    expect(exited.data).toEqual({ exitCode: 4, exitSignal: null });

    // And the adopted sessions work as before.
    await h.client.request(SessionSendRequest, { session: 'running', text: 'echo adopted-$((6*7))' });
    await h.waitForScreen(running, (s) => s.includes('adopted-42'));
  });

  it('keeps every write it acknowledged', async () => {
    const made: Session[] = [];
    for (let i = 0; i < 5; i++) made.push(await h.client.request(SessionCreateRequest, { name: `ack-${i}`, space: 'acked', command: ['sleep', '1000'] }));
    // Killed right after the last reply.
    await h.daemon.kill9();
    await h.restart();
    for (const s of made) expect((await h.client.request(SessionGetRequest, { session: s.id })).status).toBe('running');
  });
});

describe('a tmux session killed from outside', () => {
  it('takes a paused program with it, and the session is recorded as crashed', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'paused-victim', command: ['sleep', '1000'] });
    await h.client.request(SessionPauseRequest, { session: s.id });
    expect(processState(s.pid!)).toBe('T');
    const { lastSeq } = await h.client.request(EventsSubscribeRequest, {});
    await h.client.request(EventsSubscribeRequest, { fromSeq: lastSeq + 1 });
    await tmux(h.paths.tmuxSocket, 'kill-session', '-t', `=${s.id}`);
    await waitForExit(s.pid!);
    const event = await h.client.waitForEvent((e) => e.sessionId === s.id && e.data.status === 'crashed');
    expect(event.data.previous).toBe('paused');
  });
});

describe('a tmux server that dies', () => {
  it('turns every live session into crashed, starts a new server, and serves new sessions', async () => {
    const a = await h.client.request(SessionCreateRequest, { name: 'doomed-a', space: 'tmuxdeath', command: ['sleep', '1000'] });
    const b = await h.client.request(SessionCreateRequest, { name: 'doomed-b', space: 'tmuxdeath', command: ['sleep', '1000'] });
    const oldServer = (await h.client.request(DaemonStatusRequest, {})).tmux.serverPid!;
    const { lastSeq } = await h.client.request(EventsSubscribeRequest, { fromSeq: undefined });
    await h.client.request(EventsSubscribeRequest, { fromSeq: lastSeq + 1, types: ['session.status'] });
    process.kill(oldServer, 'SIGKILL');
    await waitForExit(oldServer);
    for (const s of [a, b]) {
      const event = await h.client.waitForEvent((e) => e.sessionId === s.id && e.data.status === 'crashed');
      expect(event.data).toMatchObject({ previous: 'running', reason: 'its tmux session is gone' });
    }
    const status = await h.client.request(DaemonStatusRequest, {});
    expect(status.tmux.available).toBe(true);
    expect(status.tmux.serverPid).not.toBe(oldServer);
    const fresh = await h.client.request(SessionCreateRequest, { name: 'after-death', space: 'tmuxdeath', command: ['sleep', '1000'] });
    expect(fresh.status).toBe('running');
    expect(isAlive(fresh.pid!)).toBe(true);
  });
});
