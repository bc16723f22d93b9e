import { z } from 'zod';
import { defineRequest } from './define.js';
import { EmptyResultSchema, NoParamsSchema } from './fields.js';
import { DaemonMetricsParamsSchema, DaemonMetricsResultSchema } from './metrics.js';
import { SessionStatusSchema } from './model.js';

/** A tmux session on the private server that the store does not know. sessd never kills it. */
export const UnmanagedTmuxSessionSchema = z.object({
  name: z.string(),
  createdAt: z.string().nullable(),
});
export type UnmanagedTmuxSession = z.infer<typeof UnmanagedTmuxSessionSchema>;

export const DaemonStatusSchema = z.object({
  pid: z.number(),
  version: z.string(),
  protocolVersion: z.number(),
  /** Seconds since the daemon started. */
  uptime: z.number(),
  startedAt: z.string(),
  paths: z.object({ socket: z.string(), tmuxSocket: z.string(), stateDir: z.string(), config: z.string().nullable() }),
  sessions: z.object({ total: z.number(), byStatus: z.partialRecord(SessionStatusSchema, z.number()) }),
  connections: z.number(),
  /** Extension: event subscriptions open across all connections. */
  subscriptions: z.number(),
  tmux: z.object({
    available: z.boolean(),
    version: z.string().nullable(),
    serverPid: z.number().nullable(),
    /** Why tmux is unavailable. */
    reason: z.string().nullable(),
  }),
  unmanaged: z.array(UnmanagedTmuxSessionSchema),
  /**
   * The config file: `loaded` while a file is in effect; `error` when its latest
   * version was refused (the last good one stays in effect, or the built-in defaults
   * when none ever loaded). Extension: `problem` places the error (file, line, column,
   * field), `loadedAt` and `reloads` count the edits applied without a restart.
   */
  config: z.object({
    file: z.string().nullable(),
    loaded: z.boolean(),
    error: z.string().nullable(),
    problem: z
      .object({ file: z.string(), line: z.number().nullable(), column: z.number().nullable(), field: z.string().nullable(), message: z.string() })
      .nullable()
      .optional(),
    loadedAt: z.string().nullable().optional(),
    reloads: z.number().optional(),
  }),
  /**
   * Extension: the approval policies in effect (README "Policies"): how many rules,
   * and those that approve whatever they are shown (`match: any`), by index and name.
   */
  policies: z.object({ rules: z.number(), approveAny: z.array(z.object({ index: z.number(), name: z.string().nullable() })) }).optional(),
  /** The last start-up reconciliation. */
  reconciled: z.object({ adopted: z.number(), crashed: z.number(), exited: z.number(), unmanaged: z.number() }).nullable(),
});
export type DaemonStatus = z.infer<typeof DaemonStatusSchema>;

export const DaemonStatusRequest = defineRequest('daemon/status', NoParamsSchema, DaemonStatusSchema);
/** Counters, gauges and latency histograms (metrics.ts); `format: "prometheus"` for the text exposition format. */
export const DaemonMetricsRequest = defineRequest('daemon/metrics', DaemonMetricsParamsSchema, DaemonMetricsResultSchema);
/** Replies, then stops the daemon; sessions keep running. */
export const DaemonShutdownRequest = defineRequest('daemon/shutdown', NoParamsSchema, EmptyResultSchema);
