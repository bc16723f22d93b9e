import { describe, expect, it } from 'vitest';
import {
  DaemonMetricsRequest,
  DaemonStatusRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionGetRequest,
  SessionListRequest,
  SessionSendRequest,
  SessionUpdateRequest,
  type DaemonMetrics,
} from '../../shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { figure, mib, quantile, rssOf, runSeed, seeded } from './figures.js';
import { Ledger } from './ledger.js';

const CLIENTS = 32;
const OPS_PER_CLIENT = 30;
/** Sessions one client keeps at most, so the run's cost stays flat. */
const SESSIONS_PER_CLIENT = 3;
const T = 'load';

const h = useDaemon();

describe('32 concurrent clients', () => {
  it('do mixed operations with no unexpected error, and the final state is what the acknowledged operations imply', async () => {
    const random = seeded(runSeed(T));
    const ledger = new Ledger();
    const clients: TestClient[] = await Promise.all(Array.from({ length: CLIENTS }, () => h.connect()));
    const latencies = new Map<string, number[]>();
    const rssStart = rssOf(h.daemon.pid);
    let rssMax = rssStart;
    const timed = async <R>(kind: string, work: Promise<R>): Promise<R> => {
      const started = performance.now();
      const result = await work;
      latencies.set(kind, [...(latencies.get(kind) ?? []), performance.now() - started]);
      return result;
    };

    const started = performance.now();
    await Promise.all(
      clients.map(async (client, c) => {
        const own: string[] = [];
        for (let op = 0; op < OPS_PER_CLIENT; op++) {
          const roll = random();
          const target = own[Math.floor(random() * own.length)];
          if (target === undefined || (roll < 0.15 && own.length < SESSIONS_PER_CLIENT)) {
            const s = await timed('create', client.request(SessionCreateRequest, { name: `c${c}-${op}`, command: ['cat'], cwd: h.dir }));
            ledger.sessions.set(s.id, { labels: {} });
            own.push(s.id);
          } else if (roll < 0.35) {
            const m = await timed('send', client.request(SessionSendRequest, { session: target, text: `line ${c}-${op}` }));
            ledger.delivered.set(m.id, m.sessionId);
          } else if (roll < 0.5) {
            const cp = await timed('checkpoint', client.request(SessionCheckpointRequest, { session: target, label: `l${c}-${op}` }));
            ledger.checkpoint(target, cp.seq, `l${c}-${op}`);
          } else if (roll < 0.65) {
            const labels = { step: String(op), [`k${op % 3}`]: `v${c}` };
            const s = await timed('update', client.request(SessionUpdateRequest, { session: target, labels }));
            const expected = { ...ledger.sessions.get(target)!.labels, ...labels };
            ledger.sessions.set(target, { labels: expected });
            expect(s.labels).toEqual(expected);
          } else if (roll < 0.8) {
            const s = await timed('get', client.request(SessionGetRequest, { session: target }));
            expect(s.labels).toEqual(ledger.sessions.get(target)!.labels);
          } else if (roll < 0.9) {
            const listed = await timed('list', client.request(SessionListRequest, {}));
            const ids = new Set(listed.sessions.map((s) => s.id));
            for (const id of own) expect(ids.has(id)).toBe(true);
          } else if (roll < 0.95) {
            await timed('delete', client.request(SessionDeleteRequest, { session: target, force: true }));
            ledger.deleted.add(target);
            own.splice(own.indexOf(target), 1);
          } else {
            await timed('status', client.request(DaemonStatusRequest, {}));
          }
          if (op % 10 === 0) rssMax = Math.max(rssMax, rssOf(h.daemon.pid));
        }
      }),
    );
    const elapsed = performance.now() - started;
    rssMax = Math.max(rssMax, rssOf(h.daemon.pid));

    const seen = await ledger.verify(h.client, h.paths.tmuxSocket);
    const kept = [...ledger.sessions.keys()].filter((id) => !ledger.deleted.has(id));
    // Nothing beyond what was acknowledged: every session listed is one a client created and did not delete.
    expect(seen.sessions.map((s) => s.id).sort()).toEqual(kept.sort());
    expect(seen.unmanaged).toEqual([]);
    const metrics = (await h.client.request(DaemonMetricsRequest, {})) as DaemonMetrics;
    const errors = Object.entries(metrics.requests.methods).filter(([, m]) => m.errors > 0);
    expect(errors).toEqual([]);

    const total = [...latencies.values()].reduce((n, l) => n + l.length, 0);
    figure(T, 'clients', CLIENTS);
    figure(T, 'acknowledged operations', total);
    figure(T, 'operations per second', (total / elapsed) * 1000);
    for (const [kind, l] of [...latencies].sort(([a], [b]) => a.localeCompare(b))) {
      figure(T, `${kind} latency median / p99 (n=${l.length})`, `${quantile(l, 0.5).toFixed(1)} / ${quantile(l, 0.99).toFixed(1)}`, 'ms');
    }
    figure(T, 'sessions at the end (created / deleted)', `${kept.length} (${ledger.sessions.size} / ${ledger.deleted.size})`);
    figure(T, 'daemon RSS at start / peak', `${mib(rssStart).toFixed(1)} / ${mib(rssMax).toFixed(1)}`, 'MiB');
    figure(T, 'unexpected errors (daemon/metrics)', errors.length);
  });
});
