import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  EventsSubscribeRequest,
  EventsUnsubscribeRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionStopRequest,
  SessionUpdateRequest,
  type SessdEvent,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';

const h = useDaemon();

/** Makes `n` events: one update each of a session made for it. */
async function makeEvents(n: number, name: string): Promise<string> {
  const s = await h.client.request(SessionCreateRequest, { name, space: 'ev', command: ['sleep', '1000'] });
  for (let i = 0; i < n; i++) await h.client.request(SessionUpdateRequest, { session: s.id, labels: { i: String(i) } });
  return s.id;
}

function assertGapless(events: SessdEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBe(events[i - 1]!.seq + 1);
}

describe('events/subscribe', () => {
  it('delivers live events in order, each with its type, session and data', async () => {
    const c = await h.connect();
    const { lastSeq } = await c.request(EventsSubscribeRequest, {});
    const s = await c.request(SessionCreateRequest, { name: 'live', space: 'ev', command: ['sleep', '1000'] });
    await c.request(SessionStopRequest, { session: s.id });
    await c.request(SessionDeleteRequest, { session: s.id });
    await c.waitForEvent((e) => e.type === 'session.deleted' && e.sessionId === s.id);
    const mine = c.events.filter((e) => e.sessionId === s.id);
    expect(mine.map((e) => [e.type, e.data.status ?? null])).toEqual([
      ['session.created', 'running'],
      ['session.status', 'stopped'],
      ['session.deleted', null],
    ]);
    expect(mine[0]!.data).toMatchObject({ id: s.id, name: 'live' });
    expect(mine[1]!.data).toEqual({ status: 'stopped', previous: 'running' });
    expect(mine[2]!.data).toEqual({ name: 'live', space: 'ev' });
    expect(c.events[0]!.seq).toBe(lastSeq + 1);
    assertGapless(c.events);
    for (const e of c.events) expect(Date.parse(e.time)).not.toBeNaN();
  });

  it('replays from a seq, then goes live, without a gap or a repeat', async () => {
    const first = await h.client.request(EventsSubscribeRequest, {});
    await makeEvents(30, 'replay');
    const c = await h.connect();
    await c.request(EventsSubscribeRequest, { fromSeq: first.lastSeq + 1 });
    // Live events made while the replay is running.
    const more = makeEvents(10, 'during');
    await more;
    const end = (await c.request(EventsSubscribeRequest, {})).lastSeq;
    await c.waitForEvent((e) => e.seq === end);
    const got = c.events.filter((e) => e.seq <= end);
    expect(got[0]!.seq).toBe(first.lastSeq + 1);
    expect(got.at(-1)!.seq).toBe(end);
    assertGapless(got);
  });

  it('resumes after a reconnect from the last seq seen plus one', async () => {
    const a = await h.connect();
    await a.request(EventsSubscribeRequest, {});
    await makeEvents(5, 'before-drop');
    await a.waitForEvent((e) => e.type === 'session.updated' && e.data.labels !== undefined && (e.data.labels as Record<string, string>).i === '4');
    const lastSeen = a.events.at(-1)!.seq;
    a.close();
    await makeEvents(5, 'while-away');
    const b = await h.connect();
    const { lastSeq } = await b.request(EventsSubscribeRequest, { fromSeq: lastSeen + 1 });
    await b.waitForEvent((e) => e.seq === lastSeq);
    expect(b.events[0]!.seq).toBe(lastSeen + 1);
    expect(b.events).toHaveLength(lastSeq - lastSeen);
    assertGapless(b.events);
  });

  it('filters by type and by session', async () => {
    const c = await h.connect();
    const target = await c.request(SessionCreateRequest, { name: 'filtered', space: 'ev', command: ['sleep', '1000'] });
    await c.request(EventsSubscribeRequest, { types: ['session.status'], sessions: ['ev/filtered'] });
    const other = await c.request(SessionCreateRequest, { name: 'other', space: 'ev', command: ['sleep', '1000'] });
    await c.request(SessionStopRequest, { session: other.id });
    await c.request(SessionUpdateRequest, { session: target.id, labels: { x: '1' } });
    await c.request(SessionStopRequest, { session: target.id });
    await c.waitForEvent((e) => e.sessionId === target.id && e.data.status === 'stopped');
    expect(c.events.every((e) => e.type === 'session.status' && e.sessionId === target.id)).toBe(true);
    await expectError(c.request(EventsSubscribeRequest, { sessions: ['nobody-here'] }), -32001, 'session_not_found');
    const bad = await expectError(c.raw('events/subscribe', { types: ['session.nope'] }), -32602, 'invalid_params');
    expect(bad.data).toMatchObject({ field: 'types[0]' });
  });

  it('stops delivering after unsubscribe; another connection cannot unsubscribe it', async () => {
    const c = await h.connect();
    const other = await h.connect();
    const { subscriptionId } = await c.request(EventsSubscribeRequest, {});
    await other.request(EventsUnsubscribeRequest, { subscriptionId });
    await makeEvents(1, 'still-subscribed');
    await c.waitForEvent((e) => e.type === 'session.updated');
    await c.request(EventsUnsubscribeRequest, { subscriptionId });
    const count = c.events.length;
    const marker = await h.connect();
    await marker.request(EventsSubscribeRequest, {});
    await makeEvents(2, 'after-unsubscribe');
    // The marker connection saw the events; a round trip on c after that means any
    // notification c would have been sent is already read (one socket keeps order).
    await marker.waitForEvent((e) => e.type === 'session.updated' && (e.data.labels as Record<string, string>).i === '1');
    await c.raw('daemon/status', {});
    expect(c.events.slice(count)).toEqual([]);
  });

  it('ends subscriptions with their connection', async () => {
    const before = (await h.client.request(DaemonStatusRequest, {})).subscriptions;
    const c = await h.connect();
    await c.request(EventsSubscribeRequest, {});
    await c.request(EventsSubscribeRequest, { types: ['session.created'] });
    expect((await h.client.request(DaemonStatusRequest, {})).subscriptions).toBe(before + 2);
    const closed = new Promise((resolve) => c.socket.once('close', resolve));
    c.close();
    await closed;
    // The close reaches the daemon on its own socket; round trips on another connection
    // give it turns to handle it (no fixed wait), within a bound.
    let now = -1;
    for (let i = 0; i < 100 && now !== before; i++) now = (await h.client.request(DaemonStatusRequest, {})).subscriptions;
    expect(now).toBe(before);
  });

  it('keeps events across a daemon restart', async () => {
    const { lastSeq } = await h.client.request(EventsSubscribeRequest, {});
    await h.daemon.stop();
    await h.restart();
    const { lastSeq: after, oldestSeq } = await h.client.request(EventsSubscribeRequest, { fromSeq: 1 });
    // Every event from before the stop is still there; the sessions of earlier tests may
    // have added some since (activity settling, adoption), never fewer.
    expect(after).toBeGreaterThanOrEqual(lastSeq);
    expect(oldestSeq).toBe(1);
    await h.client.waitForEvent((e) => e.seq === after);
    expect(h.client.events[0]!.seq).toBe(1);
    assertGapless(h.client.events);
  });
});
