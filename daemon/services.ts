import type { SessdPaths } from '../shared/paths.js';
import type { AgentHooks } from './agents/hooks.js';
import type { Interactions } from './activity/interactions.js';
import type { Profiles } from './activity/profiles.js';
import type { ActivityTracker } from './activity/tracker.js';
import type { AttachService } from './attach/service.js';
import type { SessionBackend } from './backend/backend.js';
import type { ResourceLimiter } from './backend/resource-limits.js';
import type { ConfigStatus, LiveConfig } from './config/live.js';
import type { TemplateService } from './config/templates.js';
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
  /** Clients connected at once. */
  maxConnections: number;
  /** How long a frame's header may take to arrive. */
  headerTimeoutMs: number;
  eventRetention: number;
}

/** What the daemon knows about itself, for `initialize` and `daemon/status`. */
export interface DaemonInfo {
  pid: number;
  startedAt: Date;
  paths: SessdPaths;
  /** The config file's state now (it is reloaded on change). */
  readonly config: ConfigStatus;
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
  attaches: AttachService;
  checkpoints: CheckpointService;
  restorer: Restorer;
  queue: MessageQueue;
  supervisor: Supervisor;
  profiles: Profiles;
  interactions: Interactions;
  activity: ActivityTracker;
  limits: Limits;
  templates: TemplateService;
  config: LiveConfig;
  limiter: ResourceLimiter;
  daemon: DaemonInfo;
  metrics: MetricsCollector;
  agentHooks: AgentHooks;
}
