import { z } from 'zod';
import { defineRequest } from './define.js';
import { JsonObjectSchema, name, sessionRef, text } from './fields.js';
import { CheckpointSchema, CheckpointSummarySchema, SessionSchema } from './model.js';

/** Longest resume prompt: what a user would type, with room for a pasted plan. */
const MAX_RESUME_PROMPT = 64 * 1024;

export const SessionCheckpointParamsSchema = z.strictObject({
  session: sessionRef,
  label: text.pipe(z.string().max(200, 'must be at most 200 characters')).optional(),
  /** Stored with the checkpoint (and merged into the session's context on restore). */
  context: JsonObjectSchema.optional(),
  /** Typed into the restored program once it is ready. */
  resumePrompt: text
    .pipe(z.string().min(1, 'must not be empty').max(MAX_RESUME_PROMPT, `must be at most ${MAX_RESUME_PROMPT} characters`))
    .optional(),
});
export type SessionCheckpointParams = z.infer<typeof SessionCheckpointParamsSchema>;

export const CheckpointListResultSchema = z.object({
  /** Oldest first. */
  checkpoints: z.array(CheckpointSummarySchema),
  /**
   * Extension: sequence numbers of stored checkpoints that no longer read back as
   * valid (damaged on disk). They are never restored from; newer checkpoints take
   * later numbers.
   */
  unreadable: z.array(z.number()),
});
export type CheckpointListResult = z.infer<typeof CheckpointListResultSchema>;

export const CheckpointGetParamsSchema = z.strictObject({ session: sessionRef, seq: z.number().int().min(1) });
export type CheckpointGetParams = z.infer<typeof CheckpointGetParamsSchema>;

export const SessionRestoreParamsSchema = z.strictObject({
  session: sessionRef,
  /** Default: the latest checkpoint. */
  seq: z.number().int().min(1).optional(),
  /** Restore as a new session with this name, beside the old one. */
  name: name.optional(),
});
export type SessionRestoreParams = z.infer<typeof SessionRestoreParamsSchema>;

/** Written in one transaction and flushed before the reply; the reply omits `scrollback`. */
export const SessionCheckpointRequest = defineRequest('session/checkpoint', SessionCheckpointParamsSchema, CheckpointSchema);
export const CheckpointListRequest = defineRequest('checkpoint/list', z.strictObject({ session: sessionRef }), CheckpointListResultSchema);
export const CheckpointGetRequest = defineRequest('checkpoint/get', CheckpointGetParamsSchema, CheckpointSchema);
export const SessionRestoreRequest = defineRequest('session/restore', SessionRestoreParamsSchema, SessionSchema);
