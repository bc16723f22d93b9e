import { z } from 'zod';
import {
  CheckpointGetRequest,
  CheckpointListRequest,
  SessionCheckpointRequest,
  SessionRestoreRequest,
  type SessionCheckpointParams,
  type SessionRestoreParams,
} from '../../shared/protocol/checkpoint.js';
import { sessionRequest } from '../rpc/handler.js';
import { summary, withoutScrollback } from '../sessions/checkpoints.js';
import { jsonObject, name, sessionRef, text } from './schemas.js';

/** Longest resume prompt: what a user would type, with room for a pasted plan. */
const MAX_RESUME_PROMPT = 64 * 1024;

const checkpointParams: z.ZodType<SessionCheckpointParams> = z.strictObject({
  session: sessionRef,
  label: text.pipe(z.string().max(200, 'must be at most 200 characters')).optional(),
  context: jsonObject.optional(),
  resumePrompt: text.pipe(z.string().min(1, 'must not be empty').max(MAX_RESUME_PROMPT, `must be at most ${MAX_RESUME_PROMPT} characters`)).optional(),
});

export const sessionCheckpoint = sessionRequest(SessionCheckpointRequest, checkpointParams, async (p, session, { services }) =>
  withoutScrollback(await services.checkpoints.create(session, p)),
);

export const checkpointList = sessionRequest(CheckpointListRequest, z.strictObject({ session: sessionRef }), (_p, session, { services }) => {
  const { checkpoints, unreadable } = services.checkpoints.list(session.id);
  return { checkpoints: checkpoints.map(summary), unreadable };
});

export const checkpointGet = sessionRequest(
  CheckpointGetRequest,
  z.strictObject({ session: sessionRef, seq: z.number().int().min(1) }),
  (p, session, { services }) => services.checkpoints.get(session, p.seq),
);

const restoreParams: z.ZodType<SessionRestoreParams> = z.strictObject({
  session: sessionRef,
  seq: z.number().int().min(1).optional(),
  name: name.optional(),
});

export const sessionRestore = sessionRequest(SessionRestoreRequest, restoreParams, (p, session, { services }) =>
  services.restorer.restore(session, p),
);
