import type { Activity, SessionStatus } from './model.js';

/**
 * `daemon/metrics`: what the daemon has done since it started, and what it holds now.
 * Counters count from the daemon's start (they restart at 0 with the daemon, as
 * Prometheus counters do); gauges are the value at the time of the reply.
 */
export interface DaemonMetricsParams {
  /** `json` (default): a DaemonMetrics object. `prometheus`: `{format, text}` in the text exposition format 0.0.4. */
  format?: 'json' | 'prometheus';
}

/**
 * Upper bounds, in milliseconds, of the request latency histogram's buckets; a last
 * bucket (+Inf) takes the rest. Fixed, so histograms from any two daemons add up.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** Requests of one method since start. */
export interface MethodMetrics {
  /** Requests answered (with a result or an error). */
  count: number;
  /** Requests answered with an error. */
  errors: number;
  /** Errors by their name (`data.code`: `session_not_found`, `invalid_params`, ...). */
  errorsByCode: Record<string, number>;
  /** Sum of the latencies, in milliseconds. */
  sumMs: number;
  /**
   * Requests per latency bucket, NOT cumulative: `buckets[i]` counts latencies in
   * (LATENCY_BUCKETS_MS[i-1], LATENCY_BUCKETS_MS[i]]; the last entry counts the ones
   * above the last bound. `buckets.length === LATENCY_BUCKETS_MS.length + 1`.
   */
  buckets: number[];
}

export interface DaemonMetrics {
  /** When these figures were taken. */
  time: string;
  pid: number;
  version: string;
  /** Seconds since the daemon started. */
  uptime: number;
  process: {
    /** Resident set size (VmRSS), in bytes. */
    rssBytes: number;
    heapUsedBytes: number;
    /** CPU time used since start, in seconds. */
    cpuUserSeconds: number;
    cpuSystemSeconds: number;
  };
  /** Gauges: sessions now, by status; the live ones also by activity. */
  sessions: {
    total: number;
    byStatus: Partial<Record<SessionStatus, number>>;
    byActivity: Partial<Record<Activity, number>>;
    /** Counters since start. */
    created: number;
    deleted: number;
    exited: number;
    crashed: number;
  };
  connections: { open: number; accepted: number };
  requests: {
    /** Upper bounds of `MethodMetrics.buckets`, in ms (LATENCY_BUCKETS_MS). */
    bucketsMs: number[];
    /**
     * By method. A method no declaration names is counted under `(unknown)`, so
     * made-up method names cannot grow this table.
     */
    methods: Record<string, MethodMetrics>;
  };
  /** Counters since start, from the event log. */
  messages: { queued: number; delivered: number; failed: number; expired: number };
  checkpoints: { created: number };
  restarts: {
    /** Restarts by a restart policy since start. */
    sinceStart: number;
    /** Sum of every kept session's `restarts`. */
    total: number;
  };
  transcripts: {
    /** Output bytes taken in since start. */
    bytes: number;
    /** Output bytes lost since start (a session's transcript fell behind, or a tap lost its stream). */
    droppedBytes: number;
  };
  events: { lastSeq: number; published: number; subscriptions: number };
  /** Disk space used by the state directory's two LMDB environments, in bytes. */
  store: { bytes: number; transcriptBytes: number };
}

/** The result for `format: "prometheus"`. */
export interface PrometheusMetrics {
  format: 'prometheus';
  /** Text exposition format 0.0.4; metric names start with `sessd_`. */
  text: string;
}

export type DaemonMetricsResult = DaemonMetrics | PrometheusMetrics;
