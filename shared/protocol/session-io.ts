import { z } from 'zod';
import { defineRequest } from './define.js';
import { EmptyResultSchema, key, sessionRef, text, timestamp } from './fields.js';
import { MessageSchema } from './model.js';

/** Longest a queued message may wait: a year. */
const MAX_EXPIRY_MS = 365 * 86_400_000;
/** The most one `session/transcript` read returns. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

export const SessionSendParamsSchema = z
  .strictObject({
    session: sessionRef,
    /**
     * Typed literally: tmux key names, `#{formats}` and `;` are text. Newlines are part
     * of the text (pasted, so they do not submit); long or multi-line text goes through
     * a paste buffer (bracketed when the program asked for it). No NUL characters.
     */
    text,
    /** Press Enter after the text. Default true. */
    submit: z.boolean().optional(),
    /** `now` (default) types at once; `idle` queues until the session's activity is `idle`. */
    when: z.enum(['now', 'idle']).optional(),
    /** For `when: "idle"`: give up after this long (the message becomes `expired`). */
    expiresInMs: z.number().int().min(1).max(MAX_EXPIRY_MS).optional(),
    /**
     * Extension: type it even into a question. Without it, `when: "now"` to a session
     * whose program shows a question (an open interaction, activity `waiting`) fails
     * with `invalid_state` and the interaction as `data.interaction`: the text would
     * be taken as the answer.
     */
    force: z.boolean().optional(),
  })
  .refine((p) => p.expiresInMs === undefined || p.when === 'idle', {
    message: 'only a message sent when: "idle" waits, and can expire',
    path: ['expiresInMs'],
  });
export type SessionSendParams = z.infer<typeof SessionSendParamsSchema>;

export const SessionKeysParamsSchema = z.strictObject({
  session: sessionRef,
  /**
   * tmux key names sent as keys, e.g. `["C-c"]`, `["Escape", "Enter"]`, `["M-x"]`,
   * `["Up"]`, or single characters. An unknown name is an error, never typed as text.
   */
  keys: z.array(key).min(1, 'give at least one key').max(1024),
});
export type SessionKeysParams = z.infer<typeof SessionKeysParamsSchema>;

export const SessionCaptureParamsSchema = z.strictObject({
  session: sessionRef,
  /** The last N lines of history and screen; default: the visible screen. */
  lines: z.number().int().min(1).max(1_000_000).optional(),
  /** Keep colours and attributes as escape sequences. */
  ansi: z.boolean().optional(),
});
export type SessionCaptureParams = z.infer<typeof SessionCaptureParamsSchema>;

export const SessionCaptureResultSchema = z.object({
  /** Lines joined with `\n`; wrapped lines are joined; trailing blank lines are dropped. */
  text: z.string(),
  /** The cursor, 0-based from the top-left of the visible screen. */
  cursor: z.object({ x: z.number(), y: z.number() }).optional(),
});
export type SessionCaptureResult = z.infer<typeof SessionCaptureResultSchema>;

export const SessionTranscriptParamsSchema = z.strictObject({
  session: sessionRef,
  /** Byte offset; default: the oldest kept byte. */
  from: z.number().int().min(0).optional(),
  /** Default 1 MiB, at most 16 MiB. */
  maxBytes: z.number().int().min(1).max(MAX_READ_BYTES).optional(),
  encoding: z.enum(['utf8', 'base64']).optional(),
  /**
   * Extension: start at the first output written at or after this time (ISO 8601);
   * with `from`, the later of the two. Times are when sessd stored the output, at
   * most a flush interval after the program wrote it.
   */
  since: timestamp.optional(),
});
export type SessionTranscriptParams = z.infer<typeof SessionTranscriptParamsSchema>;

/**
 * Why output was lost: `tap` (the pane's tap could not hand it to sessd in time and
 * dropped it), `behind` (sessd could not store it in time: a full disk or a store
 * that refuses writes, beyond what it holds in memory), `tap-died` (the tap was
 * killed; what it held and what the pane printed until a new one ran, an unknown
 * amount), `resumed` (a tap reconnected no longer holding what was not stored).
 */
export const GapReasonSchema = z.enum(['tap', 'behind', 'tap-died', 'resumed']);
export type GapReason = z.infer<typeof GapReasonSchema>;

export const TranscriptMarkSchema = z.object({
  at: z.number(),
  kind: z.enum(['input', 'gap']),
  time: z.string(),
  text: z.string().optional(),
  via: z.enum(['text', 'keys']).optional(),
  /** Text input followed by Enter. */
  submit: z.boolean().optional(),
  bytes: z.number().nullable().optional(),
  /** Extension, on a gap: why output was lost (GapReasonSchema). */
  reason: GapReasonSchema.optional(),
});
export type TranscriptMark = z.infer<typeof TranscriptMarkSchema>;

export const SessionTranscriptResultSchema = z.object({
  /** UTF-8 text unless base64 was asked for. */
  data: z.string(),
  /** Byte offset of the first returned byte (later than the asked `from` when that is past retention). */
  from: z.number(),
  /** Byte offset just past the last returned byte. */
  to: z.number(),
  /** The transcript's current end. */
  end: z.number(),
  /**
   * Extension: what happened beside the output in this range, at byte offsets:
   * input sent through sessd (`{kind: 'input', via: 'text' | 'keys', text, submit?}`) and
   * output lost before it was stored (`{kind: 'gap', bytes, reason}`; `bytes` null: unknown).
   */
  marks: z.array(TranscriptMarkSchema),
});
export type SessionTranscriptResult = z.infer<typeof SessionTranscriptResultSchema>;

export const SessionSendRequest = defineRequest('session/send', SessionSendParamsSchema, MessageSchema);
export const SessionKeysRequest = defineRequest('session/keys', SessionKeysParamsSchema, EmptyResultSchema);
export const SessionInterruptRequest = defineRequest('session/interrupt', z.strictObject({ session: sessionRef }), EmptyResultSchema);
export const SessionCaptureRequest = defineRequest('session/capture', SessionCaptureParamsSchema, SessionCaptureResultSchema);
export const SessionTranscriptRequest = defineRequest('session/transcript', SessionTranscriptParamsSchema, SessionTranscriptResultSchema);
