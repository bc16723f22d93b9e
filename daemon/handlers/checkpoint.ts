import { CheckpointGetRequest, CheckpointListRequest, SessionCheckpointRequest, SessionRestoreRequest } from '../../shared/protocol/checkpoint.js';
import { sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import { summary, withoutScrollback, type CheckpointService } from '../sessions/checkpoints.js';
import type { Restorer } from '../sessions/restore.js';

export function sessionCheckpoint({ sessions, checkpoints }: { sessions: SessionLookup; checkpoints: CheckpointService }): Handler {
  return sessionRequest(SessionCheckpointRequest, sessions, async (p, session) => withoutScrollback(await checkpoints.create(session, p)));
}

export function checkpointList({ sessions, checkpoints }: { sessions: SessionLookup; checkpoints: CheckpointService }): Handler {
  return sessionRequest(CheckpointListRequest, sessions, (_p, session) => {
    const { checkpoints: found, unreadable } = checkpoints.list(session.id);
    return { checkpoints: found.map(summary), unreadable };
  });
}

export function checkpointGet({ sessions, checkpoints }: { sessions: SessionLookup; checkpoints: CheckpointService }): Handler {
  return sessionRequest(CheckpointGetRequest, sessions, (p, session) => checkpoints.withText(checkpoints.get(session, p.seq)));
}

export function sessionRestore({ sessions, restorer }: { sessions: SessionLookup; restorer: Restorer }): Handler {
  return sessionRequest(SessionRestoreRequest, sessions, (p, session) => restorer.restore(session, p));
}
