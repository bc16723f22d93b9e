import { z } from 'zod';
import { defineRequest } from './define.js';
import { sessionRef, text } from './fields.js';
import { InteractionSchema, InteractionStatusSchema } from './model.js';
import { MAX_LIST_LIMIT } from './session.js';

export const InteractionListParamsSchema = z.strictObject({
  session: sessionRef.optional(),
  status: InteractionStatusSchema.optional(),
  /** Extension: 1..5000, default 500, like `session/list`. */
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  /** Extension: `nextCursor` of the previous page. */
  cursor: z.string().max(1000).optional(),
});
export type InteractionListParams = z.infer<typeof InteractionListParamsSchema>;

export const InteractionListResultSchema = z.object({
  /** Oldest first (by `createdAt`, then `id`). */
  interactions: z.array(InteractionSchema),
  /** Extension: present when more interactions match. */
  nextCursor: z.string().optional(),
});
export type InteractionListResult = z.infer<typeof InteractionListResultSchema>;

export const InteractionRespondParamsSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    /** A choice's `id`. */
    choice: z.string().min(1).max(64).optional(),
    /** Free text, for a question. */
    text: text.optional(),
  })
  .refine((p) => (p.choice === undefined) !== (p.text === undefined), { message: 'give either choice or text', path: ['choice'] });
export type InteractionRespondParams = z.infer<typeof InteractionRespondParamsSchema>;

export const SessionApproveParamsSchema = z.strictObject({
  session: sessionRef,
  /** Deny instead of approve. */
  deny: z.boolean().optional(),
});
export type SessionApproveParams = z.infer<typeof SessionApproveParamsSchema>;

export const InteractionListRequest = defineRequest('interaction/list', InteractionListParamsSchema, InteractionListResultSchema);
export const InteractionRespondRequest = defineRequest('interaction/respond', InteractionRespondParamsSchema, InteractionSchema);
/** Extension: answers the session's open approval with its profile's approve (or deny) choice. */
export const SessionApproveRequest = defineRequest('session/approve', SessionApproveParamsSchema, InteractionSchema);
