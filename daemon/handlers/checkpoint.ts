import { CheckpointGetRequest, CheckpointListRequest, SessionCheckpointRequest, SessionRestoreRequest } from '../../shared/protocol/checkpoint.js';
import { sessionRequest } from '../rpc/handler.js';
import { summary, withoutScrollback } from '../sessions/checkpoints.js';

export const sessionCheckpoint = sessionRequest(SessionCheckpointRequest, async (p, session, { services }) =>
  withoutScrollback(await services.checkpoints.create(session, p)),
);

export const checkpointList = sessionRequest(CheckpointListRequest, (_p, session, { services }) => {
  const { checkpoints, unreadable } = services.checkpoints.list(session.id);
  return { checkpoints: checkpoints.map(summary), unreadable };
});

export const checkpointGet = sessionRequest(CheckpointGetRequest, (p, session, { services }) => services.checkpoints.get(session, p.seq));

export const sessionRestore = sessionRequest(SessionRestoreRequest, (p, session, { services }) => services.restorer.restore(session, p));
