import type { DaemonMetrics, MethodMetrics } from '../../../shared/protocol/metrics.js';
import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './metrics.js';

/** `sess daemon metrics`: a summary and a table per method; `--json` the object; `--prometheus` the text format. */
export async function run({ prometheus }: Input<typeof spec>, ctx: Context): Promise<void> {
  // Asking a daemon that is not running for its figures must not start one.
  const client = await ctx.connect({ autostart: false });
  if (prometheus) {
    const result = await client.daemon.metrics({ format: 'prometheus' });
    if (!('text' in result)) throw new Error('sessd answered daemon/metrics without the Prometheus text');
    process.stdout.write(result.text);
    return;
  }
  const m = await client.daemon.metrics({});
  if (!('requests' in m)) throw new Error('sessd answered daemon/metrics without the metrics object');
  if (ctx.json) return ctx.out.json(m);

  const list = (counts: Partial<Record<string, number>>): string =>
    Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  const rows: [string, string][] = [
    ['sessd', `pid ${m.pid}, up ${m.uptime}s, ${mib(m.process.rssBytes)} resident, ${(m.process.cpuUserSeconds + m.process.cpuSystemSeconds).toFixed(1)}s CPU`],
    ['sessions', `${m.sessions.total} (${list(m.sessions.byStatus)}); live by activity: ${list(m.sessions.byActivity)}`],
    ['since start', `${m.sessions.created} created, ${m.sessions.deleted} deleted, ${m.sessions.exited} exited, ${m.sessions.crashed} crashed, ${m.restarts.sinceStart} restarted by policy (${m.restarts.total} in all)`],
    ['messages', `${m.messages.queued} queued, ${m.messages.delivered} delivered, ${m.messages.failed} failed, ${m.messages.expired} expired`],
    ['checkpoints', `${m.checkpoints.created} written`],
    ['transcripts', `${mib(m.transcripts.bytes)} taken in, ${m.transcripts.droppedBytes} bytes dropped`],
    ['store', `${mib(m.store.bytes)} state, ${mib(m.store.transcriptBytes)} transcripts`],
    ['clients', `${m.connections.open} connected (${m.connections.accepted} since start), ${m.events.subscriptions} event subscriptions`],
  ];
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) ctx.out.line(`${key.padEnd(pad)}${value}`);
  const methods = Object.entries(m.requests.methods);
  if (methods.length === 0) return;
  ctx.out.line();
  ctx.out.table(
    ['METHOD', 'REQUESTS', 'ERRORS', 'MEAN', 'P50', 'P99'],
    methods.map(([method, r]) => [
      method,
      String(r.count),
      r.errors === 0 ? '0' : `${r.errors} (${Object.entries(r.errorsByCode).map(([k, v]) => `${v} ${k}`).join(', ')})`,
      ms(r.count === 0 ? 0 : r.sumMs / r.count),
      quantile(r, 0.5, m.requests.bucketsMs),
      quantile(r, 0.99, m.requests.bucketsMs),
    ]),
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(2)}ms` : `${Math.round(value)}ms`;
}

/** The histogram bucket a quantile falls in, shown as its upper bound (`≤5ms`; `>10000ms` past the last). */
export function quantile(r: Pick<MethodMetrics, 'count' | 'buckets'>, q: number, bounds: DaemonMetrics['requests']['bucketsMs']): string {
  if (r.count === 0) return '-';
  const rank = Math.ceil(q * r.count);
  let seen = 0;
  for (let i = 0; i < r.buckets.length; i++) {
    seen += r.buckets[i]!;
    if (seen >= rank) return i < bounds.length ? `≤${bounds[i]}ms` : `>${bounds.at(-1)}ms`;
  }
  return '-';
}
