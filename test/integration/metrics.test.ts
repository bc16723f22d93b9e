import { describe, expect, it } from 'vitest';
import {
  DaemonMetricsRequest,
  SessionCheckpointRequest,
  SessionSendRequest,
  type DaemonMetrics,
  type PrometheusMetrics,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { pathsIn, tempDir } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { sess, sessJson } from '../helpers/sess.js';

const h = useDaemon({ config: 'limits:\n  restartDelay: 50ms\n  restartLimit: 1\n' });

async function metrics(): Promise<DaemonMetrics> {
  return (await h.client.request(DaemonMetricsRequest, {})) as DaemonMetrics;
}

describe('daemon/metrics', () => {
  it('counts sessions, requests by method with errors and latency buckets, messages, checkpoints and restarts', async () => {
    const before = await metrics();
    const s = await h.createShell({ name: 'counted' });
    await h.waitForScreen(s, (screen) => screen.includes('$'));
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo counted' });
    await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'one' });
    await expectError(h.client.raw('session/get', { session: 'nobody' }), -32001, 'session_not_found');
    await expectError(h.client.raw('session/get', { session: 42 }), -32602, 'invalid_params');
    await expectError(h.client.raw('no/such/method', {}), -32601);
    await expectError(h.client.raw('another/made-up', {}), -32601);
    const restarted = await h.client.raw('session/create', { name: 'flaky', command: ['/bin/sh', '-c', 'exit 3'], restartPolicy: 'always' });
    const sub = h.client.events.length;
    await h.client.subscribe({ sessions: [(restarted as { id: string }).id] });
    await h.client.waitForEvent((e) => e.type === 'session.status' && e.data.status === 'running' && typeof e.data.reason === 'string' && e.data.reason.startsWith('restart policy'), sub);

    const m = await metrics();
    expect(m.pid).toBe(h.daemon.pid);
    expect(m.sessions.total).toBe(2);
    expect(m.sessions.byStatus.running).toBeGreaterThanOrEqual(1);
    expect(Object.values(m.sessions.byActivity).reduce((a, b) => a + (b ?? 0), 0)).toBeGreaterThanOrEqual(1);
    expect(m.sessions.created - before.sessions.created).toBe(2);
    expect(m.sessions.exited - before.sessions.exited).toBeGreaterThanOrEqual(1);
    expect(m.restarts.sinceStart - before.restarts.sinceStart).toBeGreaterThanOrEqual(1);
    expect(m.restarts.total).toBeGreaterThanOrEqual(1);
    expect(m.messages.delivered - before.messages.delivered).toBe(1);
    expect(m.checkpoints.created - before.checkpoints.created).toBe(1);
    expect(m.transcripts.bytes).toBeGreaterThan(0);
    expect(m.process.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(m.store.bytes).toBeGreaterThan(0);
    expect(m.store.transcriptBytes).toBeGreaterThan(0);
    expect(m.connections.open).toBeGreaterThanOrEqual(1);
    expect(m.connections.accepted).toBeGreaterThanOrEqual(m.connections.open);

    const get = m.requests.methods['session/get']!;
    expect(get).toMatchObject({ errors: 2, errorsByCode: { session_not_found: 1, invalid_params: 1 } });
    // Made-up method names share one row, so they cannot grow the table.
    expect(m.requests.methods['(unknown)']).toMatchObject({ count: 2, errors: 2, errorsByCode: { method_not_found: 2 } });
    expect(m.requests.methods['no/such/method']).toBeUndefined();
    expect(m.requests.methods['session/send']).toMatchObject({ count: 1, errors: 0 });
    for (const r of Object.values(m.requests.methods)) {
      expect(r.buckets).toHaveLength(m.requests.bucketsMs.length + 1);
      expect(r.buckets.reduce((a, b) => a + b, 0)).toBe(r.count);
      expect(r.sumMs).toBeGreaterThan(0);
    }
  });

  it('renders the Prometheus text format: every family typed, histograms cumulative up to +Inf', async () => {
    const { format, text } = (await h.client.request(DaemonMetricsRequest, { format: 'prometheus' })) as PrometheusMetrics;
    expect(format).toBe('prometheus');
    const typed = new Map<string, string>();
    const samples: { name: string; labels: string; value: number }[] = [];
    for (const line of text.trimEnd().split('\n')) {
      const type = /^# TYPE (sessd_\w+) (counter|gauge|histogram)$/.exec(line);
      if (type !== null) typed.set(type[1]!, type[2]!);
      if (line.startsWith('#')) {
        expect(line).toMatch(/^# (HELP|TYPE) sessd_\w+ .+$/);
        continue;
      }
      const sample = /^(sessd_\w+?)(\{(?:\w+="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|\+Inf|NaN)$/.exec(line);
      expect(sample, line).not.toBeNull();
      samples.push({ name: sample![1]!, labels: sample![2] ?? '', value: Number(sample![3]) });
    }
    for (const { name } of samples) {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      expect(typed.has(name) || typed.get(family) === 'histogram', name).toBe(true);
    }
    const buckets = samples.filter((s) => s.name === 'sessd_request_duration_seconds_bucket' && s.labels.includes('method="session/create"'));
    expect(buckets.at(-1)!.labels).toContain('le="+Inf"');
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    const count = samples.find((s) => s.name === 'sessd_request_duration_seconds_count' && s.labels === '{method="session/create"}');
    expect(count!.value).toBe(buckets.at(-1)!.value);
    expect(samples.find((s) => s.name === 'sessd_sessions' && s.labels === '{status="running"}')!.value).toBeGreaterThanOrEqual(1);
    expect(samples.find((s) => s.name === 'sessd_resident_memory_bytes')!.value).toBeGreaterThan(0);
  });

  it('refuses a format it does not know, naming the field', async () => {
    const e = await expectError(h.client.raw('daemon/metrics', { format: 'xml' }), -32602, 'invalid_params');
    expect(e.data).toMatchObject({ field: 'format' });
  });
});

describe('sess daemon metrics', () => {
  it('prints a table for people, the object with --json, the text format with --prometheus', async () => {
    const human = await sess(h.paths, ['daemon', 'metrics']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^sessd +pid \d+, up \d+s, [\d.]+ MiB resident/m);
    expect(human.stdout).toMatch(/^sessions +\d+ \(/m);
    expect(human.stdout).toMatch(/^METHOD +REQUESTS +ERRORS +MEAN +P50 +P99$/m);
    expect(human.stdout).toMatch(/^session\/create +\d+ +0 +[\d.]+ms +(≤|>)[\d.]+ms/m);
    const json = await sessJson<DaemonMetrics>(h.paths, ['daemon', 'metrics']);
    expect(json.pid).toBe(h.daemon.pid);
    expect(json.requests.methods['session/create']!.count).toBeGreaterThanOrEqual(1);
    const prom = await sess(h.paths, ['daemon', 'metrics', '--prometheus']);
    expect(prom.code).toBe(0);
    expect(prom.stdout).toMatch(/^# HELP sessd_uptime_seconds /);
    expect(prom.stdout).toContain(`sessd_requests_total{method="session/create"}`);
  });

  it('does not start a daemon to ask it for metrics', async () => {
    const paths = pathsIn(await tempDir());
    const result = await sess(paths, ['daemon', 'metrics']);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toBe('');
  });
});
