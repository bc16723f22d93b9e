import { defineCommand } from '../spec.js';

/** `sess daemon metrics`: daemon/metrics. */
export const spec = defineCommand({
  name: 'daemon metrics',
  group: 'sessd itself',
  summary: "Show sessd's counters: sessions, requests and latencies, messages, checkpoints, memory",
  description:
    'Counters count from the daemon\'s start. Latencies are per method, from histograms with fixed buckets (P50 and P99 show the bucket they fall in). --prometheus prints the Prometheus text format, for a scraper (e.g. a textfile collector).',
  options: { prometheus: { type: 'boolean', description: 'Print the Prometheus text exposition format' } },
  examples: ['sess daemon metrics', 'sess daemon metrics --json | jq .requests.methods', 'sess daemon metrics --prometheus > /var/lib/node_exporter/sessd.prom'],
});
