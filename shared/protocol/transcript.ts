import { defineNotification, defineRequest } from './define.js';
import type { SessionRef } from './session.js';

export interface TranscriptFollowParams {
  session: SessionRef;
  /** Byte offset to start from; default: the current end (live output only). */
  from?: number;
}

export interface TranscriptDataParams {
  followId: string;
  /** Byte offset of `data`'s first byte. */
  from: number;
  /** UTF-8 text. */
  data: string;
}

export const TranscriptFollowRequest = defineRequest<TranscriptFollowParams, { followId: string }>('transcript/follow');
export const TranscriptUnfollowRequest = defineRequest<{ followId: string }, Record<string, never>>(
  'transcript/unfollow',
);
export const TranscriptDataNotification = defineNotification<TranscriptDataParams>('transcript/data');
