import type { DaemonMetrics } from '../../shared/protocol/metrics.js';

type Labels = Record<string, string>;

/**
 * Renders metrics in the Prometheus text exposition format 0.0.4: one `# HELP` and
 * `# TYPE` per family, names prefixed `sessd_`, seconds and bytes as base units,
 * histograms with cumulative `le` buckets, `_sum` and `_count`.
 */
export function toPrometheus(m: DaemonMetrics): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: [Labels, number][]): void => {
    out.push(`# HELP sessd_${name} ${help}`, `# TYPE sessd_${name} ${type}`);
    for (const [labels, value] of samples) out.push(`sessd_${name}${labelText(labels)} ${number(value)}`);
  };
  const one = (value: number): [Labels, number][] => [[{}, value]];

  family('uptime_seconds', 'gauge', 'Seconds since the daemon started.', one(m.uptime));
  family('resident_memory_bytes', 'gauge', 'Resident set size of the daemon.', one(m.process.rssBytes));
  family('heap_used_bytes', 'gauge', 'JavaScript heap in use.', one(m.process.heapUsedBytes));
  family('cpu_seconds_total', 'counter', 'CPU time used by the daemon.', [
    [{ mode: 'user' }, m.process.cpuUserSeconds],
    [{ mode: 'system' }, m.process.cpuSystemSeconds],
  ]);
  family('sessions', 'gauge', 'Sessions kept, by status.', Object.entries(m.sessions.byStatus).map(([status, n]) => [{ status }, n ?? 0]));
  family('sessions_live', 'gauge', 'Live sessions, by activity.', Object.entries(m.sessions.byActivity).map(([activity, n]) => [{ activity }, n ?? 0]));
  family('sessions_created_total', 'counter', 'Sessions created since start.', one(m.sessions.created));
  family('sessions_deleted_total', 'counter', 'Sessions deleted since start.', one(m.sessions.deleted));
  family('sessions_exited_total', 'counter', 'Programs that ended on their own since start.', one(m.sessions.exited));
  family('sessions_crashed_total', 'counter', 'Sessions whose pane or tmux server vanished since start.', one(m.sessions.crashed));
  family('session_restarts_total', 'counter', 'Restarts by a restart policy since start.', one(m.restarts.sinceStart));
  family('connections', 'gauge', 'Client connections open.', one(m.connections.open));
  family('connections_accepted_total', 'counter', 'Client connections accepted since start.', one(m.connections.accepted));

  const methods = Object.entries(m.requests.methods);
  family('requests_total', 'counter', 'Requests answered, by method.', methods.map(([method, r]) => [{ method }, r.count]));
  family(
    'request_errors_total',
    'counter',
    'Requests answered with an error, by method and error name.',
    methods.flatMap(([method, r]) => Object.entries(r.errorsByCode).map(([code, n]): [Labels, number] => [{ method, code }, n])),
  );
  out.push('# HELP sessd_request_duration_seconds Time from a request read to its answer, by method.');
  out.push('# TYPE sessd_request_duration_seconds histogram');
  for (const [method, r] of methods) {
    let cumulative = 0;
    r.buckets.forEach((n, i) => {
      cumulative += n;
      const bound = m.requests.bucketsMs[i];
      const le = bound === undefined ? '+Inf' : number(bound / 1000);
      out.push(`sessd_request_duration_seconds_bucket${labelText({ method, le })} ${cumulative}`);
    });
    out.push(`sessd_request_duration_seconds_sum${labelText({ method })} ${number(r.sumMs / 1000)}`);
    out.push(`sessd_request_duration_seconds_count${labelText({ method })} ${r.count}`);
  }

  family('messages_queued_total', 'counter', 'Messages queued to wait for their program since start.', one(m.messages.queued));
  family('messages_delivered_total', 'counter', 'Messages typed into their session since start.', one(m.messages.delivered));
  family('messages_failed_total', 'counter', 'Messages that failed or expired since start.', [
    [{ reason: 'failed' }, m.messages.failed],
    [{ reason: 'expired' }, m.messages.expired],
  ]);
  family('checkpoints_created_total', 'counter', 'Checkpoints written since start.', one(m.checkpoints.created));
  family('transcript_bytes_total', 'counter', 'Output bytes taken into transcripts since start.', one(m.transcripts.bytes));
  family('transcript_dropped_bytes_total', 'counter', 'Output bytes lost before they were stored, since start.', one(m.transcripts.droppedBytes));
  family('events_published_total', 'counter', 'Events published since start.', one(m.events.published));
  family('event_last_seq', 'gauge', 'Sequence number of the last published event.', one(m.events.lastSeq));
  family('event_subscriptions', 'gauge', 'Event subscriptions open.', one(m.events.subscriptions));
  family('store_bytes', 'gauge', 'Disk space used by the store, by environment.', [
    [{ store: 'state' }, m.store.bytes],
    [{ store: 'transcripts' }, m.store.transcriptBytes],
  ]);
  if (m.notify !== undefined) {
    family('notifications_total', 'counter', 'Notifications fired since start.', one(m.notify.fired));
    family(
      'notification_actions_total',
      'counter',
      'Notification actions since start, by action and outcome.',
      Object.entries(m.notify.actions).flatMap(([action, c]) => Object.entries(c).map(([outcome, n]): [Labels, number] => [{ action, outcome }, n])),
    );
  }
  return `${out.join('\n')}\n`;
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
