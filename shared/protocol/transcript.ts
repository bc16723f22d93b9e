import { z } from 'zod';
import { defineNotification, defineRequest } from './define.js';
import { EmptyResultSchema, sessionRef } from './fields.js';

export const TranscriptFollowParamsSchema = z.strictObject({
  session: sessionRef,
  /** Byte offset to start from; default: the current end (live output only). */
  from: z.number().int().min(0).optional(),
});
export type TranscriptFollowParams = z.infer<typeof TranscriptFollowParamsSchema>;

export const TranscriptDataParamsSchema = z.object({
  followId: z.string(),
  /** Byte offset of `data`'s first byte. */
  from: z.number(),
  /** UTF-8 text. */
  data: z.string(),
});
export type TranscriptDataParams = z.infer<typeof TranscriptDataParamsSchema>;

export const TranscriptFollowRequest = defineRequest('transcript/follow', TranscriptFollowParamsSchema, z.object({ followId: z.string() }));
export const TranscriptUnfollowRequest = defineRequest('transcript/unfollow', z.strictObject({ followId: z.string() }), EmptyResultSchema);
export const TranscriptDataNotification = defineNotification('transcript/data', TranscriptDataParamsSchema);
