import type { Activity } from '../../shared/protocol/model.js';
import type { AgentProfile } from './profiles.js';
import { read, type DetectedPrompt, type Screen } from './screen.js';

/** Settled output that matches none of the profile's patterns means the profile's `quiet` after this long. */
export const QUIET_MS = 1_000;
/** A program that has printed nothing this long after it started is read by its profile's `quiet`. */
export const SILENT_START_MS = 2_000;

/** What is known of a session's output up to a reading of its screen. */
export interface History {
  /** The activity recorded last (before the first reading: the session record's). */
  activity: Activity;
  /** Output arrived since the screen was last read. */
  printed: boolean;
  /** This reading is the quiet timer's: nothing has been printed since it was armed. */
  quiet: boolean;
  /** The quiet timer is armed (it is not while it fires). */
  quietArmed: boolean;
  /** The program has printed something of its own. */
  spoke: boolean;
  /** The output began with a restored session's preface: only what follows it is the program's. */
  prefaced: boolean;
  /** How long ago the program started. */
  sinceStartMs: number;
}

/** What a reading means, and what the quiet timer does next. */
export type Verdict =
  /** The program has printed nothing yet and started only recently: nothing is recorded; read again after `quietInMs`. */
  | { kind: 'silent'; quietInMs: number }
  | {
      kind: 'activity';
      activity: Activity;
      /** The question on screen, when there is one. */
      prompt: DetectedPrompt | null;
      /** `arm`: restart the quiet timer; `clear`: stop it; `keep`: leave it as it is. */
      quiet: { arm: number } | 'clear' | 'keep';
      /** The program has spoken (before, or on this screen). */
      spoke: boolean;
      /** Quiet with nothing recognisable on screen: the program is as ready for input as can be told. */
      settledQuiet: boolean;
      /** What the screen says keeps the program from working (the profile's `problems`), or null. */
      problem: string | null;
    };

/**
 * A session's activity from its screen and its history, by its profile. What the
 * screen says (a question, a busy sign, an idle prompt) wins. A screen that says
 * nothing means `busy` while output comes, the activity recorded last while it
 * settles, and the profile's `quiet` once output has stayed quiet for QUIET_MS (or
 * SILENT_START_MS for a program that has printed nothing since it started).
 */
export function classify(profile: AgentProfile, screen: Screen, history: History): Verdict {
  const reading = read(profile, screen);
  // Without a preface, anything on a fresh pane's screen is the program's.
  const spoke = history.spoke || (!history.prefaced && screen.rows.some((r) => r.trim() !== ''));
  if (reading.activity !== null) {
    return { kind: 'activity', activity: reading.activity, prompt: reading.prompt, quiet: 'clear', spoke, settledQuiet: false, problem: reading.problem };
  }
  if (reading.unfinished === true) {
    // An idle input under a turn that is not over: busy while output comes, idle once it has been quiet a while.
    if (history.quiet) return { kind: 'activity', activity: 'idle', prompt: null, quiet: 'keep', spoke, settledQuiet: false, problem: reading.problem };
    return { kind: 'activity', activity: 'busy', prompt: null, quiet: history.printed || !history.quietArmed ? { arm: QUIET_MS } : 'keep', spoke, settledQuiet: false, problem: reading.problem };
  }
  const silentFor = SILENT_START_MS - history.sinceStartMs;
  if (history.quiet) {
    if (!spoke && silentFor > 0) return { kind: 'silent', quietInMs: silentFor };
    // Printed, then quiet with nothing recognisable.
    return { kind: 'activity', activity: profile.quiet, prompt: null, quiet: 'keep', spoke, settledQuiet: true, problem: null };
  }
  // Printing, with nothing on screen that says otherwise: busy, until it has been quiet a while.
  const activity = history.printed ? 'busy' : history.activity;
  const quiet = history.printed || !history.quietArmed ? { arm: spoke ? QUIET_MS : Math.max(QUIET_MS, silentFor) } : 'keep';
  return { kind: 'activity', activity, prompt: null, quiet, spoke, settledQuiet: false, problem: null };
}
