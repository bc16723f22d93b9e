import { defineRequest } from './define.js';
import type { Checkpoint, CheckpointSummary, JsonObject, Session } from './model.js';
import type { SessionRef } from './session.js';

export interface SessionCheckpointParams {
  session: SessionRef;
  label?: string;
  /** Stored with the checkpoint (and merged into the session's context on restore). */
  context?: JsonObject;
  /** Typed into the restored program once it is ready. */
  resumePrompt?: string;
}

export interface CheckpointListResult {
  /** Oldest first. */
  checkpoints: CheckpointSummary[];
  /**
   * Extension: sequence numbers of stored checkpoints that no longer read back as
   * valid (damaged on disk). They are never restored from; newer checkpoints take
   * later numbers.
   */
  unreadable: number[];
}

export interface SessionRestoreParams {
  session: SessionRef;
  /** Default: the latest checkpoint. */
  seq?: number;
  /** Restore as a new session with this name, beside the old one. */
  name?: string;
}

/** Written in one transaction and flushed before the reply; the reply omits `scrollback`. */
export const SessionCheckpointRequest = defineRequest<SessionCheckpointParams, Checkpoint>('session/checkpoint');
export const CheckpointListRequest = defineRequest<{ session: SessionRef }, CheckpointListResult>('checkpoint/list');
export const CheckpointGetRequest = defineRequest<{ session: SessionRef; seq: number }, Checkpoint>('checkpoint/get');
export const SessionRestoreRequest = defineRequest<SessionRestoreParams, Session>('session/restore');
