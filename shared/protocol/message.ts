import { z } from 'zod';
import { defineRequest } from './define.js';
import { sessionRef } from './fields.js';
import { MessageSchema, MessageStatusSchema } from './model.js';
import { MAX_LIST_LIMIT } from './session.js';

export const MessageListParamsSchema = z.strictObject({
  session: sessionRef.optional(),
  status: MessageStatusSchema.optional(),
  /** Extension: 1..5000, default 500, like `session/list`. */
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  /** Extension: `nextCursor` of the previous page. */
  cursor: z.string().max(1000).optional(),
});
export type MessageListParams = z.infer<typeof MessageListParamsSchema>;

export const MessageListResultSchema = z.object({
  /** Oldest first (by `createdAt`, then `id`). */
  messages: z.array(MessageSchema),
  /** Extension: present when more messages match. */
  nextCursor: z.string().optional(),
});
export type MessageListResult = z.infer<typeof MessageListResultSchema>;

export const MessageGetParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });
export type MessageGetParams = z.infer<typeof MessageGetParamsSchema>;

export const MessageCancelParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });
export type MessageCancelParams = z.infer<typeof MessageCancelParamsSchema>;

export const MessageListRequest = defineRequest('message/list', MessageListParamsSchema, MessageListResultSchema);
export const MessageGetRequest = defineRequest('message/get', MessageGetParamsSchema, MessageSchema);
/**
 * Extension: withdraws a queued message before it is typed. The reply is the message,
 * now `cancelled` (reported by a `message.failed` event, as an expired one is); one
 * no longer queued is `invalid_state`, an unknown id `message_not_found`.
 */
export const MessageCancelRequest = defineRequest('message/cancel', MessageCancelParamsSchema, MessageSchema);
