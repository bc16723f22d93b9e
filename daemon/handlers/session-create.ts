import { z } from 'zod';
import { SessionCreateRequest, type SessionCreateParams } from '../../shared/protocol/session.js';
import { protocolLimits } from '../config/schema.js';
import { request } from '../rpc/handler.js';
import { absolutePath, agent, command, env, identifier, jsonObject, labels, name, restartPolicy, size } from './schemas.js';

const params: z.ZodType<SessionCreateParams> = z.strictObject({
  name: name.optional(),
  space: name.optional(),
  template: identifier.optional(),
  command: command.optional(),
  cwd: absolutePath.optional(),
  env: env.optional(),
  agent: agent.optional(),
  labels: labels.optional(),
  taskId: identifier.optional(),
  agentId: identifier.optional(),
  sessionType: identifier.optional(),
  context: jsonObject.optional(),
  restartPolicy: restartPolicy.optional(),
  size: size.optional(),
  start: z.boolean().optional(),
  limits: protocolLimits.optional(),
  dryRun: z.boolean().optional(),
});

export const sessionCreate = request(SessionCreateRequest, params, (p, { services }) => services.creator.create(p));
