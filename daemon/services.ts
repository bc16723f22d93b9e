import type { SessdPaths } from '../shared/paths.js';
import type { SessionBackend } from './backend/backend.js';
import type { EventLog } from './events/event-log.js';
import type { Subscriptions } from './events/subscriptions.js';
import type { MetricsCollector } from './metrics/collector.js';
import type { CheckpointService } from './sessions/checkpoints.js';
import type { SessionCreator } from './sessions/create.js';
import type { SessionIO } from './sessions/io.js';
import type { SessionLifecycle } from './sessions/lifecycle.js';
import type { MessageQueue } from './sessions/messages.js';
import type { Reconciler } from './sessions/reconcile.js';
import type { SessionRegistry } from './sessions/registry.js';
import type { Restorer } from './sessions/restore.js';
import type { Supervisor } from './sessions/supervisor.js';
import type { TranscriptService } from './transcripts/service.js';

export interface Limits {
  maxSessions: number;
  maxFrameBytes: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  eventRetention: number;
}

/** What the daemon knows about itself, for `initialize` and `daemon/status`. */
export interface DaemonInfo {
  pid: number;
  startedAt: Date;
  paths: SessdPaths;
  config: { file: string | null; loaded: boolean; error: string | null };
  connections(): number;
  methods(): string[];
  /** Stops the daemon after the current reply is sent; sessions keep running. */
  shutdown(): void;
}

/** Everything a handler may use; built once by the composition root. */
export interface Services {
  registry: SessionRegistry;
  creator: SessionCreator;
  lifecycle: SessionLifecycle;
  io: SessionIO;
  events: EventLog;
  subscriptions: Subscriptions;
  reconciler: Reconciler;
  backend: SessionBackend;
  transcripts: TranscriptService;
  checkpoints: CheckpointService;
  restorer: Restorer;
  queue: MessageQueue;
  supervisor: Supervisor;
  limits: Limits;
  daemon: DaemonInfo;
  metrics: MetricsCollector;
}
