import { defineNotification, defineRequest } from './define.js';
import type { SessionRef } from './session.js';

export interface SessionAttachParams {
  session: SessionRef;
  cols: number;
  rows: number;
  /** Input from a read-only attacher is refused. */
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

export interface AttachClosedParams {
  attachId: string;
  reason: 'detached' | 'session-ended' | 'daemon-stopping' | 'client-too-slow' | 'error';
}

export const SessionAttachRequest = defineRequest<SessionAttachParams, { attachId: string }>('session/attach');
export const AttachInputRequest = defineRequest<AttachInputParams, Record<string, never>>('attach/input');
export const AttachResizeRequest = defineRequest<AttachResizeParams, Record<string, never>>('attach/resize');
export const AttachDetachRequest = defineRequest<{ attachId: string }, Record<string, never>>('attach/detach');

export const AttachOutputNotification = defineNotification<AttachOutputParams>('attach/output');
export const AttachClosedNotification = defineNotification<AttachClosedParams>('attach/closed');
