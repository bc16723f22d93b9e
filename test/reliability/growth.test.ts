import { ResponseError } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  MessageListRequest,
  SessionCreateRequest,
  SessionGetRequest,
  SessionListRequest,
  SessionSendRequest,
  SessionUpdateRequest,
  type Session,
} from '../../shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { figure, mib, rssOf } from './figures.js';
import { frame, RawConnection } from './raw.js';

/** Small limits, so that many clients reach each of them many times over. */
const LIMITS = { queuedMessages: 50, contextBytes: 64 * 1024, labels: 32, clientBufferBytes: 1024 * 1024, connections: 48, headerTime: '500ms' };
const CLIENTS = 8;
const SESSIONS = 8;
/** Each client tries this many times past each per-session limit. */
const OVER = 5;
/** Clients that send requests and never read the replies. */
const NON_READERS = 4;
/** Requests each non-reader sends: their replies are many times the client buffer. */
const UNREAD_REQUESTS = 20_000;
/** Connections held open past limits.connections. */
const EXTRA_CONNECTIONS = 40;
/** Connections that start a header and never finish it. */
const SLOW_HEADERS = 20;
/** How far the daemon's RSS may grow over the whole test: a bound on what is kept, not on speed. */
const RSS_GROWTH_LIMIT_BYTES = 160 * 1024 * 1024;

const h = useDaemon({ config: `limits: ${JSON.stringify(LIMITS)}\n` });

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientName: 'growth', clientVersion: '0', protocolVersion: 1 } });

/** The limit a refusal names; any other error fails the test. */
function refusedLimit(error: unknown): string {
  if (!(error instanceof ResponseError)) throw error;
  const data = error.data as { code?: string; limit?: string } | undefined;
  expect(data?.code, error.message).toBe('limit_exceeded');
  return data!.limit!;
}

describe('growth', () => {
  it('every bounded thing, pushed by many clients past its limit, is refused with limit_exceeded naming it; RSS stays bounded', async () => {
    const T = 'growth';
    const rss = { start: rssOf(h.daemon.pid), peak: 0 };
    const sample = (): void => {
      rss.peak = Math.max(rss.peak, rssOf(h.daemon.pid));
    };
    const refused = new Map<string, number>();
    const accepted = new Map<string, number>();
    const count = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
    const attempt = async (what: string, request: Promise<unknown>): Promise<void> => {
      try {
        await request;
        count(accepted, what);
      } catch (error) {
        const limit = refusedLimit(error);
        expect(limit).toBe(what);
        count(refused, limit);
      }
    };

    // A program that prints nothing is never idle: `when: idle` messages for it stay queued.
    const sessions: Session[] = [];
    for (let i = 0; i < SESSIONS; i++) sessions.push(await h.client.request(SessionCreateRequest, { name: `grow-${i}`, command: ['sleep', '1000'], cwd: h.dir }));
    const clients: TestClient[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await h.connect());

    // Per session: queued messages, context merges, labels; all clients at once, each past the limits.
    const perClient = (n: number): number => Math.ceil(n / CLIENTS) + OVER;
    await Promise.all(
      clients.map(async (c, ci) => {
        for (const s of sessions) {
          for (let i = 0; i < perClient(LIMITS.queuedMessages); i++) {
            await attempt('queuedMessages', c.request(SessionSendRequest, { session: s.id, text: `c${ci}-m${i}`, when: 'idle' }));
          }
          for (let i = 0; i < perClient(LIMITS.contextBytes / 4096); i++) {
            await attempt('contextBytes', c.request(SessionUpdateRequest, { session: s.id, context: { [`c${ci}-${i}`]: 'x'.repeat(4096) } }));
          }
          for (let i = 0; i < perClient(LIMITS.labels); i++) {
            await attempt('labels', c.request(SessionUpdateRequest, { session: s.id, labels: { [`c${ci}-${i}`]: 'v' } }));
          }
          sample();
        }
      }),
    );
    // A message may be delivered at once (a session read as idle before its first output): then one more fits.
    expect(accepted.get('queuedMessages')).toBeGreaterThanOrEqual(SESSIONS * LIMITS.queuedMessages);
    expect(accepted.get('labels')).toBe(SESSIONS * LIMITS.labels);
    for (const limit of ['queuedMessages', 'contextBytes', 'labels']) expect(refused.get(limit) ?? 0, limit).toBeGreaterThan(0);
    for (const s of sessions) {
      const got = await h.client.request(SessionGetRequest, { session: s.id });
      expect(Buffer.byteLength(JSON.stringify(got.context))).toBeLessThanOrEqual(LIMITS.contextBytes);
      expect(Object.keys(got.labels)).toHaveLength(LIMITS.labels);
      const queued = (await h.client.request(MessageListRequest, { session: s.id, status: 'queued' })).messages;
      expect(queued.length).toBeLessThanOrEqual(LIMITS.queuedMessages);
    }

    // Clients that never read their replies: each is disconnected, its pending work dropped.
    const dropped = (): number => h.daemon.logs.filter((l) => l.msg.startsWith('client is not reading')).length;
    const droppedBefore = dropped();
    const nonReaders = await Promise.all(Array.from({ length: NON_READERS }, () => RawConnection.open(h.paths.socket)));
    for (const r of nonReaders) {
      r.socket.pause();
      r.write(frame(initialize));
      let id = 1;
      const pump = (): void => {
        while (id <= UNREAD_REQUESTS && !r.socket.destroyed) {
          if (!r.socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'session/list', params: { limit: 1 } })))) {
            r.socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    }
    await h.daemon.waitForLog(() => dropped() - droppedBefore >= NON_READERS);
    sample();
    for (const r of nonReaders) {
      r.socket.resume(); // a paused socket would never read the hang-up
      await r.done;
    }

    // Connections past limits.connections: refused with limit_exceeded, the held ones served.
    const open = (await h.client.request(DaemonStatusRequest, {})).connections;
    const held = await Promise.all(Array.from({ length: LIMITS.connections - open }, () => RawConnection.open(h.paths.socket)));
    const over = await Promise.all(Array.from({ length: EXTRA_CONNECTIONS }, () => RawConnection.open(h.paths.socket)));
    for (const c of over) c.write(frame(initialize));
    await Promise.all(over.map((c) => c.done));
    const namedConnections = over.filter((c) => c.replies.some((r) => r.error?.data?.code === 'limit_exceeded' && (r.error.data as { limit?: string }).limit === 'connections')).length;
    // A few are told why; past that, the rest are cut at once (REFUSED_KEPT in the daemon).
    expect(namedConnections).toBeGreaterThan(0);
    expect((await h.client.request(SessionListRequest, {})).sessions.length).toBe(SESSIONS);
    sample();
    for (const c of held) c.close();
    while ((await h.client.request(DaemonStatusRequest, {})).connections > open);

    // Headers that never finish: each closed after limits.headerTime with limit_exceeded.
    const slow = await Promise.all(Array.from({ length: SLOW_HEADERS }, () => RawConnection.open(h.paths.socket)));
    for (const c of slow) c.write('Content-Len');
    await Promise.all(slow.map((c) => c.done));
    const namedHeader = slow.filter((c) => c.replies.some((r) => r.error?.data?.code === 'limit_exceeded' && (r.error.data as { limit?: string }).limit === 'headerTime')).length;
    expect(namedHeader).toBe(SLOW_HEADERS);
    sample();

    expect(rss.peak - rss.start).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
    expect((await h.client.request(DaemonStatusRequest, {})).pid).toBe(h.daemon.pid);
    figure(T, 'limits', JSON.stringify(LIMITS));
    figure(T, 'queued messages accepted / refused (queuedMessages)', `${accepted.get('queuedMessages')} / ${refused.get('queuedMessages')}`);
    figure(T, 'context merges of 4 KiB accepted / refused (contextBytes)', `${accepted.get('contextBytes') ?? 0} / ${refused.get('contextBytes')}`);
    figure(T, 'label merges accepted / refused (labels)', `${accepted.get('labels')} / ${refused.get('labels')}`);
    figure(T, 'clients sending 20,000 requests without reading, disconnected', NON_READERS);
    figure(T, 'connections over the limit refused / told limit_exceeded (connections)', `${EXTRA_CONNECTIONS} / ${namedConnections}`);
    figure(T, 'unfinished headers closed with limit_exceeded (headerTime)', namedHeader);
    figure(T, 'daemon RSS at start / peak', `${mib(rss.start).toFixed(1)} / ${mib(rss.peak).toFixed(1)}`, 'MiB');
  });
});
