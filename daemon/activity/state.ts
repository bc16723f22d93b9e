import type { PrefaceFilter } from './preface.js';
import type { DetectedPrompt } from './screen.js';

/**
 * Where a tracked session's output stands: the one state of a tracked session that
 * decides what output and readings mean. Its timers and readings in flight belong to
 * its ReadScheduler; its first reading is a promise (ActivityTracker.settled).
 *
 *   starting ──output──► speaking ◄──output── restored ◄──preface's last line── preface
 *       └─────screen shows anything─────┘
 *   any ──untracked──► stopped
 */
export type Phase =
  /** A program that starts: it has printed nothing yet (anything on its fresh screen counts as printed). */
  | { kind: 'starting' }
  /** A restored session: its output is still the checkpoint's scrollback, up to its last line; the screen is not read. */
  | { kind: 'preface'; filter: PrefaceFilter }
  /** A restored session past its preface: its program has printed nothing of its own yet. */
  | { kind: 'restored' }
  /** The program has printed (or was running before tracking began): its screen is read as output settles. */
  | { kind: 'speaking' }
  /** No longer tracked: a reading still under way records nothing. */
  | { kind: 'stopped' };

/** What the tracker tells about the sessions it follows, besides their activity. */
export type TrackingEvent =
  /** The session's output is followed from now: its program starts, or already runs (`adopted`: found running at sessd's start, or resumed). */
  | { type: 'tracked'; sessionId: string; adopted: boolean }
  /** A start made ready ahead of time (a restore's, for its preface) is recorded: the program starts now. */
  | { type: 'started'; sessionId: string }
  /** Quiet with nothing recognisable on screen: the program is as ready for input as can be told. */
  | { type: 'quiet'; sessionId: string }
  | { type: 'untracked'; sessionId: string };

/**
 * Told of the questions a session's screen shows, in order with its activity: a
 * question that went away before the new activity is recorded, one that came after.
 */
export interface PromptWatcher {
  shown(sessionId: string, prompt: DetectedPrompt): Promise<void>;
  /** The question went away (or tracking ended). */
  gone(sessionId: string): Promise<void>;
  /** The session was deleted. */
  forget(sessionId: string): void;
}
