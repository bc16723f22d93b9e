import type { Logger } from 'pino';
import type { AgentHooks } from '../agents/hooks.js';
import type { Message } from '../../shared/protocol/model.js';
import type { Interactions } from '../activity/interactions.js';
import type { AttachService } from '../attach/service.js';
import type { SessionBackend } from '../backend/backend.js';
import type { ResourceLimiter } from '../backend/resource-limits.js';
import type { LiveConfig } from '../config/live.js';
import type { TemplateService } from '../config/templates.js';
import type { DaemonInfo, Limits } from '../daemon-info.js';
import type { Subscriptions } from '../events/subscriptions.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { PolicyService } from '../policies/service.js';
import type { Notifier } from '../notify/notifier.js';
import type { Handler, SessionLookup } from '../rpc/handler.js';
import type { CheckpointService } from '../sessions/checkpoints.js';
import type { SessionCreator } from '../sessions/create.js';
import type { SessionIO } from '../sessions/io.js';
import type { SessionLifecycle } from '../sessions/lifecycle.js';
import type { MessageQueue } from '../sessions/messages.js';
import type { Reconciler } from '../sessions/reconcile.js';
import type { Restorer } from '../sessions/restore.js';
import type { SessionRecords } from '../store/records.js';
import type { TranscriptService } from '../transcripts/service.js';
import type { WorktreeSessions } from '../worktrees/service.js';
import { agentHook } from './agent.js';
import { attachDetach, attachInput, attachResize, sessionAttach } from './attach.js';
import { checkpointGet, checkpointList, sessionCheckpoint, sessionRestore } from './checkpoint.js';
import { daemonMetrics, daemonShutdown, daemonStatus } from './daemon.js';
import { eventsSubscribe, eventsUnsubscribe } from './events.js';
import { initialize, INITIALIZE_METHOD } from './initialize.js';
import { interactionList, interactionRespond, sessionApprove } from './interaction.js';
import { messageCancel, messageGet, messageList } from './message.js';
import { auditList, policyTest } from './policy.js';
import { notifyTest } from './notify.js';
import {
  sessionCreate,
  sessionDelete,
  sessionGc,
  sessionGet,
  sessionList,
  sessionPause,
  sessionRestart,
  sessionResume,
  sessionStart,
  sessionStop,
  sessionSuspend,
  sessionUpdate,
} from './session.js';
import { sessionCapture, sessionInterrupt, sessionKeys, sessionSend, sessionTranscript } from './session-io.js';
import { providerList, spaceList } from './space.js';
import { templateDelete, templateGet, templateList, templateSet } from './template.js';
import { transcriptFollow, transcriptUnfollow } from './transcript.js';
import { sessionDiff, sessionFork, worktreeList, worktreePrune } from './worktree.js';

/** The built parts handlers are made from; each factory takes the few it uses. */
export interface HandlerParts {
  sessions: SessionLookup;
  /** Where a selector batch's failures are logged. */
  log: Logger;
  creator: SessionCreator;
  lifecycle: SessionLifecycle;
  restorer: Restorer;
  io: SessionIO;
  queue: MessageQueue;
  messages: SessionRecords<Message>;
  checkpoints: CheckpointService;
  interactions: Interactions;
  transcripts: Pick<TranscriptService, 'read' | 'offsetAt' | 'follow' | 'unfollow'>;
  attaches: AttachService;
  subscriptions: Subscriptions;
  backend: SessionBackend;
  limiter: ResourceLimiter;
  reconciler: Reconciler;
  templates: TemplateService;
  config: Pick<LiveConfig, 'current'>;
  daemon: DaemonInfo;
  limits: Limits;
  metrics: MetricsCollector;
  /** Sessions in git worktrees: `session/create` and `session/delete` go through it too. */
  worktrees: WorktreeSessions;
  agentHooks: AgentHooks;
  policies: PolicyService;
  notifier: Notifier;
}

/**
 * Every request this daemon serves. A declared method missing here answers -32601.
 * Each handler file has the stem of the shared/protocol file that declares its
 * methods (README "Layout").
 */
export function buildHandlers(parts: HandlerParts): Handler[] {
  const served: Handler[] = [
    sessionCreate(parts),
    sessionList(parts),
    sessionGet(parts),
    sessionUpdate(parts),
    sessionStart(parts),
    sessionStop(parts),
    sessionRestart(parts),
    sessionPause(parts),
    sessionResume(parts),
    sessionSuspend(parts),
    sessionDelete(parts),
    sessionGc(parts),
    sessionCheckpoint(parts),
    checkpointList(parts),
    checkpointGet(parts),
    sessionRestore(parts),
    sessionSend(parts),
    sessionKeys(parts),
    sessionInterrupt(parts),
    sessionCapture(parts),
    messageList(parts),
    messageGet(parts),
    messageCancel(parts),
    interactionList(parts),
    interactionRespond(parts),
    sessionApprove(parts),
    sessionTranscript(parts),
    transcriptFollow(parts),
    transcriptUnfollow(parts),
    sessionAttach(parts),
    attachInput(parts),
    attachResize(parts),
    attachDetach(parts),
    eventsSubscribe(parts),
    eventsUnsubscribe(parts),
    daemonStatus(parts),
    daemonShutdown(parts),
    templateList(parts),
    templateGet(parts),
    templateSet(parts),
    templateDelete(parts),
    spaceList(parts),
    providerList(parts),
    daemonMetrics(parts),
    sessionDiff(parts),
    sessionFork(parts),
    worktreeList(parts),
    worktreePrune(parts),
    agentHook(parts),
    auditList(parts),
    policyTest(parts),
    notifyTest(parts),
  ];
  // `initialize` tells the methods served, itself first: the table is known before it is built.
  const methods = [INITIALIZE_METHOD, ...served.map((h) => h.method)];
  return [initialize({ ...parts, methods }), ...served];
}
