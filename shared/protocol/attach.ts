import { z } from 'zod';
import { defineNotification, defineRequest } from './define.js';
import { EmptyResultSchema, handle, sessionRef, TerminalSizeSchema, text } from './fields.js';

/** Largest `attach/input` text: a paste, not a file transfer. */
const MAX_INPUT_CHARS = 1024 * 1024;

/**
 * `session/attach`: sessd runs a tmux client for the session in a pty of `cols` x
 * `rows` (2..1000) and streams it. The reply comes once that client drew its first
 * screen; output notifications for the attach never precede it. Each attacher has its
 * own size; the program's size follows the latest active read-write attacher (tmux's
 * `window-size latest`). A session without a tmux session (`created`, or ended and
 * removed) is `invalid_state`. An attach belongs to its connection: other connections
 * get `attach_not_found` for its id, and it ends when the connection closes.
 *
 * Flow control: when the client stops reading, its pty is paused (tmux then skips
 * drawing to it and redraws once it reads: the session and other attachers never
 * wait); a client that stays behind longer than `limits.attachStall` is closed with
 * `client-too-slow`.
 */
export const SessionAttachParamsSchema = z.strictObject({
  session: sessionRef,
  ...TerminalSizeSchema.shape,
  /** Watch only: `attach/input` is refused with `read_only`, and this client's size never resizes the program. */
  readOnly: z.boolean().optional(),
});
export type SessionAttachParams = z.infer<typeof SessionAttachParamsSchema>;

export const SessionAttachResultSchema = z.object({ attachId: z.string() });

export const AttachInputParamsSchema = z.strictObject({
  attachId: handle,
  /** Text typed as-is (escape sequences included). */
  data: text.pipe(z.string().max(MAX_INPUT_CHARS, `must be at most ${MAX_INPUT_CHARS} characters`)),
});
export type AttachInputParams = z.infer<typeof AttachInputParamsSchema>;

export const AttachResizeParamsSchema = z.strictObject({ attachId: handle, ...TerminalSizeSchema.shape });
export type AttachResizeParams = z.infer<typeof AttachResizeParamsSchema>;

export const AttachOutputParamsSchema = z.object({
  attachId: z.string(),
  /** Per attach, from 0, one per notification: a gap means output was lost. */
  seq: z.number(),
  /** UTF-8 text; a character split across reads is held back, never mangled. */
  data: z.string(),
});
export type AttachOutputParams = z.infer<typeof AttachOutputParamsSchema>;

/**
 * The attach is over and its tmux client gone. `detached`: by `attach/detach`, or by
 * tmux's own detach key; `session-ended`: the session was deleted or tmux lost it;
 * `daemon-stopping`; `client-too-slow`: the client stayed behind past its budget.
 */
export const AttachClosedParamsSchema = z.object({
  attachId: z.string(),
  reason: z.enum(['detached', 'session-ended', 'daemon-stopping', 'client-too-slow', 'error']),
});
export type AttachClosedParams = z.infer<typeof AttachClosedParamsSchema>;

export const SessionAttachRequest = defineRequest('session/attach', SessionAttachParamsSchema, SessionAttachResultSchema);
export const AttachInputRequest = defineRequest('attach/input', AttachInputParamsSchema, EmptyResultSchema);
export const AttachResizeRequest = defineRequest('attach/resize', AttachResizeParamsSchema, EmptyResultSchema);
/** Resolves once the tmux client has exited; its `attach/closed` (`detached`) comes before the reply. */
export const AttachDetachRequest = defineRequest('attach/detach', z.strictObject({ attachId: handle }), EmptyResultSchema);

export const AttachOutputNotification = defineNotification('attach/output', AttachOutputParamsSchema);
export const AttachClosedNotification = defineNotification('attach/closed', AttachClosedParamsSchema);
