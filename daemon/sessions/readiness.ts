import type { Activity, Session } from '../../shared/protocol/model.js';
import type { TrackingEvent } from '../activity/state.js';

/**
 * How long a message sent to a program that is still starting waits for it to be
 * ready (its profile's first `idle`) before it is typed anyway.
 */
export const STARTING_READY_MS = 15_000;

/** What readiness hears from activity tracking. */
export interface ActivityEvents {
  onTracking(listener: (event: TrackingEvent) => void): () => void;
  onChange(listener: (session: Session, previous: Activity) => void): () => void;
}

/** A program that has not been idle since it started (or since tracking began). */
interface Starting {
  startedAt: number;
  /** Called when it is as ready as can be told (idle, a question, quiet) or stops being tracked. */
  waiters: Set<() => void>;
}

/**
 * Whether a session's program is ready for its first input: keystrokes typed into a
 * program that does not read yet are lost. A program is starting from when its output
 * is followed until its first `idle`; input waits for that, for a question (a program
 * that starts with one is as ready as it gets without an answer), or for quiet output
 * with nothing recognisable on screen.
 */
export class Readiness {
  private readonly starting = new Map<string, Starting>();
  private readonly offs: (() => void)[];

  constructor(activity: ActivityEvents) {
    this.offs = [
      activity.onTracking((event) => {
        const id = event.sessionId;
        if (event.type === 'tracked') {
          this.end(id);
          // A program found running (sessd restarted) or resumed is past its start: input goes in at once.
          if (!event.adopted) this.starting.set(id, { startedAt: Date.now(), waiters: new Set() });
        } else if (event.type === 'started') {
          const s = this.starting.get(id);
          if (s !== undefined) s.startedAt = Date.now();
        } else if (event.type === 'quiet') {
          this.wake(id);
        } else {
          this.end(id);
        }
      }),
      activity.onChange((session) => {
        if (session.activity === 'idle') this.end(session.id);
        else if (session.activity === 'waiting') this.wake(session.id);
      }),
    ];
  }

  /**
   * Resolves once the session's program, if it is still starting (tracked, never idle
   * yet, started less than `ms` ago), is ready. Resolves at once (false) for a program
   * past that; true when it was starting, also when the wait ends without it being
   * ready (`ms` passed, or it stopped).
   */
  startedReady(sessionId: string, ms: number): Promise<boolean> {
    const s = this.starting.get(sessionId);
    const left = s === undefined ? 0 : s.startedAt + ms - Date.now();
    if (s === undefined || left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        s.waiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(wake, left);
      s.waiters.add(wake);
    });
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    for (const id of [...this.starting.keys()]) this.end(id);
  }

  private wake(sessionId: string): void {
    for (const wake of this.starting.get(sessionId)?.waiters ?? []) wake();
  }

  /** No longer starting: idle, or no longer tracked. */
  private end(sessionId: string): void {
    this.wake(sessionId);
    this.starting.delete(sessionId);
  }
}
