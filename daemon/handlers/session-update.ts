import { z } from 'zod';
import { SessionUpdateRequest, type SessionUpdateParams } from '../../shared/protocol/session.js';
import { sessionRequest } from '../rpc/handler.js';
import { jsonObject, labels, sessionRef, text } from './schemas.js';

const params: z.ZodType<SessionUpdateParams> = z.strictObject({
  session: sessionRef,
  // Same key rules as labels; a null value removes the label.
  labels: z
    .record(z.string(), text.nullable())
    .superRefine((value, ctx) => {
      const set = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Record<string, string>;
      const keysOnly = Object.fromEntries(Object.keys(value).map((k) => [k, '']));
      for (const issue of labels.safeParse({ ...keysOnly, ...set }).error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }
    })
    .optional(),
  context: jsonObject.optional(),
  contextMode: z.enum(['merge', 'replace']).optional(),
});

export const sessionUpdate = sessionRequest(SessionUpdateRequest, params, (p, session, { services }) =>
  services.creator.update(session, p),
);
