import type { Session } from '../../shared/protocol/model.js';
import type { SpawnSpec } from '../backend/backend.js';

/* What the lifecycle's operations take, and what it tells of sessions that end or go. */

export interface ExitInfo {
  /** The pane process whose death this is (to tell it from an earlier run's). */
  panePid: number | null;
  exitCode: number | null;
  exitSignal: string | null;
}

export interface StopOptions {
  force?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface StartOptions {
  /** What to run, when not the session's own command (a restore adds its preface). */
  spec?: SpawnSpec;
  /** Recorded with the start (a restore's command, cwd, env and context; a restart's count). */
  patch?: Partial<Session>;
  /** The reason in the `session.status` event. */
  reason?: string;
}

/** A program ended on its own (`exit`) or its pane vanished (`crash`); the session is recorded so. */
export type EndedListener = (session: Session, how: 'exit' | 'crash') => void;

/**
 * A session is being deleted: its program is gone and its records are about to be
 * removed (they go with the session's, by key range). Whatever waits on its behalf
 * (queued messages, a pending restart) stops waiting.
 */
export type DeletingListener = (sessionId: string) => void;
