import { z } from 'zod';
import { DaemonMetricsRequest } from '../../shared/protocol/daemon.js';
import type { DaemonMetricsParams, DaemonMetricsResult } from '../../shared/protocol/metrics.js';
import { toPrometheus } from '../metrics/prometheus.js';
import { request } from '../rpc/handler.js';

const params: z.ZodType<DaemonMetricsParams> = z.strictObject({ format: z.enum(['json', 'prometheus']).optional() });

export const daemonMetrics = request(DaemonMetricsRequest, params, async (p, { services }): Promise<DaemonMetricsResult> => {
  const metrics = await services.metrics.snapshot(services);
  return p.format === 'prometheus' ? { format: 'prometheus', text: toPrometheus(metrics) } : metrics;
});
