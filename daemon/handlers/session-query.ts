import { z } from 'zod';
import { SessionGetRequest, SessionListRequest, type SessionListParams } from '../../shared/protocol/session.js';
import { request, sessionRequest } from '../rpc/handler.js';
import { querySessions, MAX_LIST_LIMIT } from '../sessions/query.js';
import { identifier, labels, name, sessionRef, status, timestamp } from './schemas.js';

const listParams: z.ZodType<SessionListParams> = z.strictObject({
  space: name.optional(),
  status: z.array(status).optional(),
  labels: labels.optional(),
  taskId: identifier.optional(),
  agentId: identifier.optional(),
  createdAfter: timestamp.optional(),
  createdBefore: timestamp.optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  cursor: z.string().max(1000).optional(),
});

export const sessionList = request(SessionListRequest, listParams, (p, { services }) =>
  querySessions(services.registry.all(), p),
);

export const sessionGet = sessionRequest(SessionGetRequest, z.strictObject({ session: sessionRef }), (_p, session) => session);
