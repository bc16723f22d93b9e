import type { Logger } from 'pino';
import {
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionGcRequest,
  SessionGetRequest,
  SessionListRequest,
  SessionPauseRequest,
  SessionRestartRequest,
  SessionResumeRequest,
  SessionStartRequest,
  SessionStopRequest,
  SessionSuspendRequest,
  SessionUpdateRequest,
} from '../../shared/protocol/session.js';
import { parseDuration } from '../../shared/duration.js';
import { lifecycleRequest, request, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { SessionCreator } from '../sessions/create.js';
import type { SessionLifecycle } from '../sessions/lifecycle.js';
import { querySessions } from '../sessions/query.js';
import type { Restorer } from '../sessions/restore.js';
import type { WorktreeSessions } from '../worktrees/service.js';

/** What a lifecycle request resolves its sessions in, and logs a batch's failures to. */
interface Batch {
  sessions: SessionLookup;
  log: Logger;
}

/** A request (or template) asking for a worktree gets one made first (the rest go straight to the creator). */
export function sessionCreate({ worktrees }: { worktrees: WorktreeSessions }): Handler {
  return request(SessionCreateRequest, (p) => worktrees.create(p));
}

export function sessionList({ sessions }: { sessions: SessionLookup }): Handler {
  return request(SessionListRequest, (p) => querySessions(sessions.all(), p));
}

export function sessionGet({ sessions }: { sessions: SessionLookup }): Handler {
  return sessionRequest(SessionGetRequest, sessions, (_p, session) => session);
}

export function sessionUpdate({ sessions, creator }: { sessions: SessionLookup; creator: SessionCreator }): Handler {
  return sessionRequest(SessionUpdateRequest, sessions, (p, session) => creator.update(session, p));
}

export function sessionStart({ lifecycle, ...batch }: Batch & { lifecycle: SessionLifecycle }): Handler {
  return lifecycleRequest(SessionStartRequest, batch, (s) => lifecycle.start(s));
}

export function sessionStop({ lifecycle, ...batch }: Batch & { lifecycle: SessionLifecycle }): Handler {
  return lifecycleRequest(SessionStopRequest, batch, (s, p) => lifecycle.stop(s, p));
}

export function sessionRestart({ lifecycle, ...batch }: Batch & { lifecycle: SessionLifecycle }): Handler {
  return lifecycleRequest(SessionRestartRequest, batch, (s, p) => lifecycle.restart(s, p));
}

export function sessionPause({ lifecycle, ...batch }: Batch & { lifecycle: SessionLifecycle }): Handler {
  return lifecycleRequest(SessionPauseRequest, batch, (s) => lifecycle.pause(s));
}

/** A paused session continues; a suspended one is restored from its latest checkpoint. */
export function sessionResume({ restorer, ...batch }: Batch & { restorer: Restorer }): Handler {
  return lifecycleRequest(SessionResumeRequest, batch, (s) => restorer.resume(s));
}

export function sessionSuspend({ restorer, ...batch }: Batch & { restorer: Restorer }): Handler {
  return lifecycleRequest(SessionSuspendRequest, batch, (s, p) => restorer.suspend(s, p));
}

/** A session's worktree goes with it unless it holds work (see WorktreeSessions.delete). */
export function sessionDelete({ worktrees, ...batch }: Batch & { worktrees: WorktreeSessions }): Handler {
  return lifecycleRequest(SessionDeleteRequest, batch, (s, p) => worktrees.delete(s, p));
}

export function sessionGc({ lifecycle }: { lifecycle: SessionLifecycle }): Handler {
  return request(SessionGcRequest, async (p) => ({
    // The params schema accepted only durations parseDuration reads.
    deleted: await lifecycle.collect(parseDuration(p.olderThan)!, p.status),
  }));
}
