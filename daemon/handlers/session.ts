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
import { lifecycleRequest, request, sessionRequest } from '../rpc/handler.js';
import { querySessions } from '../sessions/query.js';

/** A request (or template) asking for a worktree goes through the worktree sessions, which make one first. */
export const sessionCreate = request(SessionCreateRequest, (p, { services }) => services.worktrees.create(p));

export const sessionList = request(SessionListRequest, (p, { services }) => querySessions(services.registry.all(), p));

export const sessionGet = sessionRequest(SessionGetRequest, (_p, session) => session);

export const sessionUpdate = sessionRequest(SessionUpdateRequest, (p, session, { services }) => services.creator.update(session, p));

export const sessionStart = lifecycleRequest(SessionStartRequest, (s, _p, { services }) => services.lifecycle.start(s));
export const sessionStop = lifecycleRequest(SessionStopRequest, (s, p, { services }) => services.lifecycle.stop(s, p));
export const sessionRestart = lifecycleRequest(SessionRestartRequest, (s, p, { services }) => services.lifecycle.restart(s, p));
export const sessionPause = lifecycleRequest(SessionPauseRequest, (s, _p, { services }) => services.lifecycle.pause(s));
/** A paused session continues; a suspended one is restored from its latest checkpoint. */
export const sessionResume = lifecycleRequest(SessionResumeRequest, (s, _p, { services }) => services.restorer.resume(s));
export const sessionSuspend = lifecycleRequest(SessionSuspendRequest, (s, p, { services }) => services.restorer.suspend(s, p));
/** A session's worktree goes with it unless it holds work (see WorktreeSessions.delete). */
export const sessionDelete = lifecycleRequest(SessionDeleteRequest, (s, p, { services }) => services.worktrees.delete(s, p));

export const sessionGc = request(SessionGcRequest, async (p, { services }) => ({
  // The params schema accepted only durations parseDuration reads.
  deleted: await services.lifecycle.collect(parseDuration(p.olderThan)!, p.status),
}));
