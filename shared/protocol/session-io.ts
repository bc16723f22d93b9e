import { defineRequest } from './define.js';
import type { Message } from './model.js';
import type { SessionRef } from './session.js';

export interface SessionSendParams {
  session: SessionRef;
  /**
   * Typed literally: tmux key names, `#{formats}` and `;` are text. Newlines are part
   * of the text (pasted, so they do not submit); long or multi-line text goes through
   * a paste buffer (bracketed when the program asked for it). No NUL characters.
   */
  text: string;
  /** Press Enter after the text. Default true. */
  submit?: boolean;
  /** `now` (default) types at once; `idle` queues until the session's activity is `idle`. */
  when?: 'now' | 'idle';
  /** For `when: "idle"`: give up after this long (the message becomes `expired`). */
  expiresInMs?: number;
}

export interface SessionKeysParams {
  session: SessionRef;
  /**
   * tmux key names sent as keys, e.g. `["C-c"]`, `["Escape", "Enter"]`, `["M-x"]`,
   * `["Up"]`, or single characters. An unknown name is an error, never typed as text.
   */
  keys: string[];
}

export interface SessionCaptureParams {
  session: SessionRef;
  /** The last N lines of history and screen; default: the visible screen. */
  lines?: number;
  /** Keep colours and attributes as escape sequences. */
  ansi?: boolean;
}

export interface SessionCaptureResult {
  /** Lines joined with `\n`; wrapped lines are joined; trailing blank lines are dropped. */
  text: string;
  /** The cursor, 0-based from the top-left of the visible screen. */
  cursor?: { x: number; y: number };
}

export interface SessionTranscriptParams {
  session: SessionRef;
  /** Byte offset; default: the oldest kept byte. */
  from?: number;
  /** Default 1 MiB. */
  maxBytes?: number;
  encoding?: 'utf8' | 'base64';
}

export interface SessionTranscriptResult {
  /** UTF-8 text unless base64 was asked for. */
  data: string;
  /** Byte offset of the first returned byte (later than the asked `from` when that is past retention). */
  from: number;
  /** Byte offset just past the last returned byte. */
  to: number;
  /** The transcript's current end. */
  end: number;
  /**
   * Extension: what happened beside the output in this range, at byte offsets:
   * input sent through sessd (`{kind: 'input', via: 'text' | 'keys', text, submit?}`) and
   * output lost before it was stored (`{kind: 'gap', bytes}`).
   */
  marks: TranscriptMark[];
}

export interface TranscriptMark {
  at: number;
  kind: 'input' | 'gap';
  time: string;
  text?: string;
  via?: 'text' | 'keys';
  /** Text input followed by Enter. */
  submit?: boolean;
  bytes?: number | null;
}

export const SessionSendRequest = defineRequest<SessionSendParams, Message>('session/send');
export const SessionKeysRequest = defineRequest<SessionKeysParams, Record<string, never>>('session/keys');
export const SessionInterruptRequest = defineRequest<{ session: SessionRef }, Record<string, never>>('session/interrupt');
export const SessionCaptureRequest = defineRequest<SessionCaptureParams, SessionCaptureResult>('session/capture');
export const SessionTranscriptRequest = defineRequest<SessionTranscriptParams, SessionTranscriptResult>(
  'session/transcript',
);
