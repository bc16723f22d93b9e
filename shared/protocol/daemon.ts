import { defineRequest } from './define.js';
import type { DaemonMetricsParams, DaemonMetricsResult } from './metrics.js';
import type { SessionStatus } from './model.js';

/** A tmux session on the private server that the store does not know. sessd never kills it. */
export interface UnmanagedTmuxSession {
  name: string;
  createdAt: string | null;
}

export interface DaemonStatus {
  pid: number;
  version: string;
  protocolVersion: number;
  /** Seconds since the daemon started. */
  uptime: number;
  startedAt: string;
  paths: { socket: string; tmuxSocket: string; stateDir: string; config: string | null };
  sessions: { total: number; byStatus: Partial<Record<SessionStatus, number>> };
  connections: number;
  /** Extension: event subscriptions open across all connections. */
  subscriptions: number;
  tmux: {
    available: boolean;
    version: string | null;
    serverPid: number | null;
    /** Why tmux is unavailable. */
    reason: string | null;
  };
  unmanaged: UnmanagedTmuxSession[];
  /**
   * The config file: `loaded` while a file is in effect; `error` when its latest
   * version was refused (the last good one stays in effect, or the built-in defaults
   * when none ever loaded). Extension: `problem` places the error (file, line, column,
   * field), `loadedAt` and `reloads` count the edits applied without a restart.
   */
  config: {
    file: string | null;
    loaded: boolean;
    error: string | null;
    problem?: { file: string; line: number | null; column: number | null; field: string | null; message: string } | null;
    loadedAt?: string | null;
    reloads?: number;
  };
  /** The last start-up reconciliation. */
  reconciled: { adopted: number; crashed: number; exited: number; unmanaged: number } | null;
}

export const DaemonStatusRequest = defineRequest<Record<string, never>, DaemonStatus>('daemon/status');
/** Counters, gauges and latency histograms (metrics.ts); `format: "prometheus"` for the text exposition format. */
export const DaemonMetricsRequest = defineRequest<DaemonMetricsParams, DaemonMetricsResult>('daemon/metrics');
/** Replies, then stops the daemon; sessions keep running. */
export const DaemonShutdownRequest = defineRequest<Record<string, never>, Record<string, never>>('daemon/shutdown');
