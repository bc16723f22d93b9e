import type { SessdPaths } from '../shared/paths.js';
import type { ConfigStatus } from './config/live.js';

/** Limits of the RPC boundary; the hot-reloaded ones change in place (config/live-settings.ts). */
export interface Limits {
  maxSessions: number;
  maxFrameBytes: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  /** Clients connected at once. */
  maxConnections: number;
  /** How long a frame's header may take to arrive. */
  headerTimeoutMs: number;
  eventRetention: number;
}

/** What the daemon knows about itself, for `initialize`, `daemon/status` and `daemon/metrics`. */
export interface DaemonInfo {
  pid: number;
  startedAt: Date;
  paths: SessdPaths;
  /** The config file's state now (it is reloaded on change). */
  readonly config: ConfigStatus;
  connections(): number;
  /** Stops the daemon after the current reply is sent; sessions keep running. */
  shutdown(): void;
}
