import { z } from 'zod';
import { NotifyCountsSchema } from './notify.js';
import { ActivitySchema, SessionStatusSchema } from './model.js';

/**
 * `daemon/metrics`: what the daemon has done since it started, and what it holds now.
 * Counters count from the daemon's start (they restart at 0 with the daemon, as
 * Prometheus counters do); gauges are the value at the time of the reply.
 */
export const DaemonMetricsParamsSchema = z.strictObject({
  /** `json` (default): a DaemonMetrics object. `prometheus`: `{format, text}` in the text exposition format 0.0.4. */
  format: z.enum(['json', 'prometheus']).optional(),
});
export type DaemonMetricsParams = z.infer<typeof DaemonMetricsParamsSchema>;

/**
 * Upper bounds, in milliseconds, of the request latency histogram's buckets; a last
 * bucket (+Inf) takes the rest. Fixed, so histograms from any two daemons add up.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

const count = z.number();

/** Requests of one method since start. */
export const MethodMetricsSchema = z.object({
  /** Requests answered (with a result or an error). */
  count,
  /** Requests answered with an error. */
  errors: count,
  /** Errors by their name (`data.code`: `session_not_found`, `invalid_params`, ...). */
  errorsByCode: z.record(z.string(), count),
  /** Sum of the latencies, in milliseconds. */
  sumMs: z.number(),
  /**
   * Requests per latency bucket, NOT cumulative: `buckets[i]` counts latencies in
   * (LATENCY_BUCKETS_MS[i-1], LATENCY_BUCKETS_MS[i]]; the last entry counts the ones
   * above the last bound. `buckets.length === LATENCY_BUCKETS_MS.length + 1`.
   */
  buckets: z.array(count),
});
export type MethodMetrics = z.infer<typeof MethodMetricsSchema>;

export const DaemonMetricsSchema = z.object({
  /** When these figures were taken. */
  time: z.string(),
  pid: z.number(),
  version: z.string(),
  /** Seconds since the daemon started. */
  uptime: z.number(),
  process: z.object({
    /** Resident set size (VmRSS), in bytes. */
    rssBytes: z.number(),
    heapUsedBytes: z.number(),
    /** CPU time used since start, in seconds. */
    cpuUserSeconds: z.number(),
    cpuSystemSeconds: z.number(),
  }),
  /** Gauges: sessions now, by status; the live ones also by activity. */
  sessions: z.object({
    total: count,
    byStatus: z.partialRecord(SessionStatusSchema, count),
    byActivity: z.partialRecord(ActivitySchema, count),
    /** Counters since start. */
    created: count,
    deleted: count,
    exited: count,
    crashed: count,
  }),
  connections: z.object({ open: count, accepted: count }),
  requests: z.object({
    /** Upper bounds of `MethodMetrics.buckets`, in ms (LATENCY_BUCKETS_MS). */
    bucketsMs: z.array(z.number()),
    /**
     * By method. A method no declaration names is counted under `(unknown)`, so
     * made-up method names cannot grow this table.
     */
    methods: z.record(z.string(), MethodMetricsSchema),
  }),
  /** Counters since start, from the event log. */
  messages: z.object({ queued: count, delivered: count, failed: count, expired: count }),
  checkpoints: z.object({ created: count }),
  restarts: z.object({
    /** Restarts by a restart policy since start. */
    sinceStart: count,
    /** Sum of every kept session's `restarts`. */
    total: count,
  }),
  transcripts: z.object({
    /** Output bytes taken in since start. */
    bytes: count,
    /** Output bytes lost since start (a session's transcript fell behind, or a tap lost its stream). */
    droppedBytes: count,
  }),
  events: z.object({ lastSeq: count, published: count, subscriptions: count }),
  /** Disk space used by the state directory's two LMDB environments, in bytes. */
  store: z.object({ bytes: count, transcriptBytes: count }),
  /** Extension: notifications fired and their actions' outcomes since start (shared/protocol/notify.ts). */
  notify: NotifyCountsSchema.optional(),
});
export type DaemonMetrics = z.infer<typeof DaemonMetricsSchema>;

/** The result for `format: "prometheus"`. */
export const PrometheusMetricsSchema = z.object({
  format: z.literal('prometheus'),
  /** Text exposition format 0.0.4; metric names start with `sessd_`. */
  text: z.string(),
});
export type PrometheusMetrics = z.infer<typeof PrometheusMetricsSchema>;

export const DaemonMetricsResultSchema = z.union([DaemonMetricsSchema, PrometheusMetricsSchema]);
export type DaemonMetricsResult = z.infer<typeof DaemonMetricsResultSchema>;
