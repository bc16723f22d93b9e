import { defineNotification, defineRequest } from './define.js';
import type { SessionRef } from './session.js';

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
export interface SessionAttachParams {
  session: SessionRef;
  cols: number;
  rows: number;
  /** Watch only: `attach/input` is refused with `read_only`, and this client's size never resizes the program. */
  readOnly?: boolean;
}

export interface AttachInputParams {
  attachId: string;
  /** Text typed as-is (escape sequences included). */
  data: string;
}

export interface AttachResizeParams {
  attachId: string;
  cols: number;
  rows: number;
}

export interface AttachOutputParams {
  attachId: string;
  /** Per attach, from 0, one per notification: a gap means output was lost. */
  seq: number;
  /** UTF-8 text; a character split across reads is held back, never mangled. */
  data: string;
}

/**
 * The attach is over and its tmux client gone. `detached`: by `attach/detach`, or by
 * tmux's own detach key; `session-ended`: the session was deleted or tmux lost it;
 * `daemon-stopping`; `client-too-slow`: the client stayed behind past its budget.
 */
export interface AttachClosedParams {
  attachId: string;
  reason: 'detached' | 'session-ended' | 'daemon-stopping' | 'client-too-slow' | 'error';
}

export const SessionAttachRequest = defineRequest<SessionAttachParams, { attachId: string }>('session/attach');
export const AttachInputRequest = defineRequest<AttachInputParams, Record<string, never>>('attach/input');
export const AttachResizeRequest = defineRequest<AttachResizeParams, Record<string, never>>('attach/resize');
/** Resolves once the tmux client has exited; its `attach/closed` (`detached`) comes before the reply. */
export const AttachDetachRequest = defineRequest<{ attachId: string }, Record<string, never>>('attach/detach');

export const AttachOutputNotification = defineNotification<AttachOutputParams>('attach/output');
export const AttachClosedNotification = defineNotification<AttachClosedParams>('attach/closed');
