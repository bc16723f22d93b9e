import { SessionDiffRequest, SessionForkRequest, WorktreeListRequest, WorktreePruneRequest } from '../../shared/protocol/worktree.js';
import { request, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { WorktreeSessions } from '../worktrees/service.js';

export function sessionDiff({ sessions, worktrees }: { sessions: SessionLookup; worktrees: WorktreeSessions }): Handler {
  return sessionRequest(SessionDiffRequest, sessions, (p, session) => worktrees.diff(session, p));
}

export function sessionFork({ sessions, worktrees }: { sessions: SessionLookup; worktrees: WorktreeSessions }): Handler {
  return sessionRequest(SessionForkRequest, sessions, (p, session) => worktrees.fork(session, p));
}

export function worktreeList({ worktrees }: { worktrees: WorktreeSessions }): Handler {
  return request(WorktreeListRequest, async () => ({ worktrees: await worktrees.list() }));
}

export function worktreePrune({ worktrees }: { worktrees: WorktreeSessions }): Handler {
  return request(WorktreePruneRequest, (p) => worktrees.prune(p));
}
