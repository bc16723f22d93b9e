import { SessionDiffRequest, SessionForkRequest, WorktreeListRequest, WorktreePruneRequest } from '../../shared/protocol/worktree.js';
import { request, sessionRequest } from '../rpc/handler.js';

export const sessionDiff = sessionRequest(SessionDiffRequest, (p, session, { services }) => services.worktrees.diff(session, p));

export const sessionFork = sessionRequest(SessionForkRequest, (p, session, { services }) => services.worktrees.fork(session, p));

export const worktreeList = request(WorktreeListRequest, async (_p, { services }) => ({ worktrees: await services.worktrees.list() }));

export const worktreePrune = request(WorktreePruneRequest, (p, { services }) => services.worktrees.prune(p));
