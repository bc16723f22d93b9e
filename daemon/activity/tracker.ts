import type { Logger } from 'pino';
import type { Activity, SessdEvent, Session } from '../../shared/protocol/model.js';
import type { SessionContext } from '../sessions/context.js';
import type { Interactions } from './interactions.js';
import type { Profiles } from './profiles.js';
import { read, type DetectedPrompt } from './screen.js';

/** Output that pauses this long has settled: the screen is read. */
export const SETTLE_MS = 30;
/** Output that never pauses is read at least this often. */
export const STREAM_READ_MS = 150;
/** Settled output that matches none of the profile's patterns means the profile's `quiet` after this long. */
export const QUIET_MS = 1_000;
/** A program that has printed nothing this long after it started is read by its profile's `quiet`. */
export const SILENT_START_MS = 2_000;

/** What ends a preface's last line: an attribute reset, CR, LF. */
// eslint-disable-next-line no-control-regex -- the reset is an escape sequence
const PREFACE_LINE_END = /^(?:\x1b\[0m|\r|\n)+/;

export type ActivityListener = (session: Session, previous: Activity) => void;

interface Tracked {
  id: string;
  activity: Activity;
  /** Output arrived since the screen was last read. */
  dirty: boolean;
  settle: NodeJS.Timeout | undefined;
  stream: NodeJS.Timeout | undefined;
  quiet: NodeJS.Timeout | undefined;
  reading: boolean;
  again: boolean;
  startedAt: number;
  /** The program has printed something of its own (past a restored session's preface). */
  spoke: boolean;
  /** A restored session's preface ends with this line: output before it is not the program's. */
  preface: { needle: Buffer; seen: Buffer } | null;
  hadPreface: boolean;
  /** Made ready for a start that is under way (a restore's preface); the start's event takes it over. */
  preparing: boolean;
  /** `activity` has been read from the screen (not only taken from the record). */
  known: boolean;
  /** Has been idle since it started. */
  everIdle: boolean;
  /** Called when it becomes idle or stops being tracked. */
  waiters: Set<() => void>;
  /** Called when its screen has been read for the first time, or it stops being tracked. */
  readWaiters: Set<() => void>;
  /** Activity changes are recorded one after another. */
  chain: Promise<void>;
  stopped: boolean;
}

/**
 * Keeps every running session's activity current from its output as it happens:
 * output marks the screen dirty; once it settles (or every STREAM_READ_MS while it
 * streams) the screen is read by the session's profile. Each change is recorded on
 * the session (`activity`, `lastActivityAt`) with a `session.activity` event; a
 * recognised prompt opens an interaction. No timer runs for a session that prints
 * nothing, but the one that applies the profile's `quiet`.
 */
export class ActivityTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<ActivityListener>();
  private readonly idleTimes = new Map<string, number>();
  private readonly inputIn = new Map<string, number>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly ctx: SessionContext,
    private readonly profiles: Profiles,
    private readonly interactions: Interactions,
    private readonly log: Logger,
  ) {}

  /** Follows output and status changes; call once, before sessions start. */
  start(events: { onEvent(listener: (event: SessdEvent) => void): () => void }): void {
    this.offs.push(
      this.ctx.transcripts.onOutput((id, _offset, data) => this.output(id, data)),
      events.onEvent((event) => {
        if (event.sessionId === null) return;
        if (event.type === 'session.created') {
          if (event.data.status === 'running') this.track(event.sessionId, false);
        } else if (event.type === 'session.status') {
          if (event.data.status === 'running') this.track(event.sessionId, event.data.previous === 'paused');
          else this.untrack(event.sessionId);
        } else if (event.type === 'session.deleted') {
          this.untrack(event.sessionId);
          this.interactions.forget(event.sessionId);
          this.idleTimes.delete(event.sessionId);
          this.inputIn.delete(event.sessionId);
        }
      }),
    );
  }

  /** Starts tracking every running session (at daemon start, after the first reconcile). */
  trackRunning(): void {
    for (const session of this.ctx.registry.all()) if (session.status === 'running') this.track(session.id, true);
  }

  /**
   * The start about to happen shows a preface ending with `line`: output up to it is
   * not the program's. Call before the start; `cancelPreface` if the start fails.
   */
  expectPreface(sessionId: string, line: string): void {
    this.track(sessionId, false, line);
  }

  cancelPreface(sessionId: string): void {
    if (this.tracked.get(sessionId)?.preparing === true) this.untrack(sessionId);
  }

  onChange(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many times the session has become idle (a message waits for the next one after its delivery). */
  idleEpoch(sessionId: string): number {
    return this.idleTimes.get(sessionId) ?? 0;
  }

  /**
   * Resolves once the session's program, if it is still starting (tracked, never idle
   * yet, started less than `ms` ago), is ready: its first `idle`. Resolves at once for
   * a program past that, and when the wait ends without it (`ms` passed, or it stopped).
   */
  startedReady(sessionId: string, ms: number): Promise<boolean> {
    const t = this.tracked.get(sessionId);
    const left = t === undefined ? 0 : t.startedAt + ms - Date.now();
    if (t === undefined || t.everIdle || left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        t.waiters.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(wake, left);
      t.waiters.add(wake);
    });
  }

  activity(sessionId: string): Activity {
    return this.tracked.get(sessionId)?.activity ?? 'unknown';
  }

  /**
   * Input went in (a message, keys, an answer): what waits for the session to be idle
   * waits for its next idle, and the screen is read soon even if nothing prints.
   */
  poke(sessionId: string): void {
    this.inputIn.set(sessionId, this.idleEpoch(sessionId));
    const t = this.tracked.get(sessionId);
    if (t !== undefined) this.schedule(t);
  }

  /** The idle epoch in which input last went in (-1: none since this daemon started). */
  inputEpoch(sessionId: string): number {
    return this.inputIn.get(sessionId) ?? -1;
  }

  /**
   * Resolves once what the session's screen shows is recorded: its first reading since
   * tracking began (waiting at most `ms` for it), and every change read so far, an
   * interaction for a question on screen included.
   */
  async settled(sessionId: string, ms: number): Promise<void> {
    const t = this.tracked.get(sessionId);
    if (t === undefined) return;
    await this.firstReading(t, ms);
    await t.chain;
  }

  private firstReading(t: Tracked, ms: number): Promise<void> {
    if (t.known) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        t.readWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      t.readWaiters.add(wake);
    });
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    for (const id of [...this.tracked.keys()]) this.untrack(id);
  }

  /**
   * `adopted`: a program that was already running (a daemon restart, a resume) has
   * spoken before, and its screen is read at once.
   */
  private track(id: string, adopted: boolean, preface?: string): void {
    const existing = this.tracked.get(id);
    if (existing?.preparing === true && preface === undefined) {
      // The start is recorded: what the screen shows now can be recorded too.
      existing.preparing = false;
      existing.startedAt = Date.now();
      this.schedule(existing);
      return;
    }
    this.untrack(id);
    const session = this.ctx.registry.get(id);
    const t: Tracked = {
      id,
      activity: session?.activity ?? 'unknown',
      dirty: adopted,
      settle: undefined,
      stream: undefined,
      quiet: undefined,
      reading: false,
      again: false,
      startedAt: Date.now(),
      spoke: adopted,
      preface: preface === undefined ? null : { needle: Buffer.from(preface), seen: Buffer.alloc(0) },
      hadPreface: preface !== undefined,
      preparing: preface !== undefined,
      known: false,
      everIdle: false,
      waiters: new Set(),
      readWaiters: new Set(),
      chain: Promise.resolve(),
      stopped: false,
    };
    this.tracked.set(id, t);
    this.armQuiet(t, adopted ? QUIET_MS : SILENT_START_MS);
    this.schedule(t);
  }

  private untrack(id: string): void {
    const t = this.tracked.get(id);
    if (t === undefined) return;
    t.stopped = true;
    clearTimeout(t.settle);
    clearTimeout(t.stream);
    clearTimeout(t.quiet);
    this.tracked.delete(id);
    for (const wake of t.waiters) wake();
    this.interactions.gone(id).catch((error: unknown) => this.log.warn({ err: error, session: id }, 'cannot cancel an interaction'));
  }

  private output(id: string, data: Uint8Array): void {
    const t = this.tracked.get(id);
    if (t === undefined) return;
    if (t.preface !== null) {
      const seen = Buffer.concat([t.preface.seen, data]);
      const at = seen.indexOf(t.preface.needle);
      if (at === -1) {
        t.preface.seen = seen.subarray(Math.max(0, seen.length - t.preface.needle.length));
        return;
      }
      data = seen.subarray(at + t.preface.needle.length);
      t.preface = null;
      // What ends the preface's line (attribute reset, CR, LF) is not the program's either.
      if (Buffer.from(data).toString('latin1').replace(PREFACE_LINE_END, '').length === 0) return;
    }
    t.spoke = true;
    t.dirty = true;
    this.schedule(t);
  }

  /** Reads the screen once output settles, or STREAM_READ_MS after it began streaming. */
  private schedule(t: Tracked): void {
    if (t.preface !== null) return;
    clearTimeout(t.settle);
    t.settle = setTimeout(() => this.readScreen(t), SETTLE_MS);
    t.stream ??= setTimeout(() => this.readScreen(t), STREAM_READ_MS);
  }

  private armQuiet(t: Tracked, ms: number): void {
    clearTimeout(t.quiet);
    t.quiet = setTimeout(() => {
      t.quiet = undefined;
      this.readScreen(t, true);
    }, ms);
  }

  private readScreen(t: Tracked, quietFired = false): void {
    clearTimeout(t.settle);
    clearTimeout(t.stream);
    t.settle = t.stream = undefined;
    if (t.stopped || t.preface !== null) return;
    if (t.reading) {
      t.again = true;
      return;
    }
    t.reading = true;
    const dirty = t.dirty;
    t.dirty = false;
    void this.classify(t, dirty, quietFired)
      .catch((error: unknown) => this.log.debug({ err: error, session: t.id }, 'cannot read the screen'))
      .finally(() => {
        t.reading = false;
        if (t.again && !t.stopped) {
          t.again = false;
          this.schedule(t);
        }
      });
  }

  private async classify(t: Tracked, dirty: boolean, quietFired: boolean): Promise<void> {
    const captured = await this.ctx.backend.capture(t.id, { rows: true });
    if (t.stopped) return;
    const rows = captured.text.split('\n');
    const profile = this.profiles.get(this.ctx.registry.get(t.id)?.agent ?? 'generic');
    const reading = read(profile, { rows, cursorRow: captured.cursor.y });
    // Without a preface, anything on a fresh pane's screen is the program's.
    if (!t.spoke && !t.hadPreface && rows.some((r) => r.trim() !== '')) t.spoke = true;
    let next = reading.activity;
    if (next === null) {
      const silentFor = SILENT_START_MS - (Date.now() - t.startedAt);
      if (quietFired && !t.spoke && silentFor > 0) return this.armQuiet(t, silentFor);
      if (quietFired) {
        next = profile.quiet;
        // Printed, then quiet with nothing recognisable: as ready for input as can be told.
        for (const wake of t.waiters) wake();
      }
      else {
        // Printing, with nothing on screen that says otherwise: busy, until it has been quiet a while.
        next = dirty ? 'busy' : t.activity;
        if (dirty || t.quiet === undefined) this.armQuiet(t, t.spoke ? QUIET_MS : Math.max(QUIET_MS, silentFor));
      }
    } else {
      clearTimeout(t.quiet);
      t.quiet = undefined;
    }
    await this.set(t, next, reading.prompt);
  }

  private set(t: Tracked, activity: Activity, prompt: DetectedPrompt | null): Promise<void> {
    t.chain = t.chain.then(async () => {
      if (t.stopped) return;
      // A question that went away is cancelled before the new activity is told; one that
      // came is opened after it: whoever hears of an interaction finds the session waiting.
      if (prompt === null) await this.interactions.gone(t.id);
      const first = await this.change(t, activity);
      if (prompt !== null && !t.stopped) await this.interactions.shown(t.id, prompt);
      if (first) for (const wake of t.readWaiters) wake();
    }).catch((error: unknown) => this.log.warn({ err: error, session: t.id }, 'cannot record activity'));
    return t.chain;
  }

  /** Records and tells a change of activity; true when this was the first reading since tracking began. */
  private async change(t: Tracked, activity: Activity): Promise<boolean> {
    // The first reading is news even when the record already says it (a daemon restart:
    // what waits for idle must hear of it).
    if (activity === t.activity && t.known) return false;
    const recorded = await this.record(t.id, activity);
    if (recorded === null || t.stopped) return false;
    const previous = t.known ? t.activity : 'unknown';
    const first = !t.known;
    t.activity = activity;
    t.known = true;
    if (activity === 'idle') {
      t.everIdle = true;
      this.idleTimes.set(t.id, (this.idleTimes.get(t.id) ?? 0) + 1);
    }
    // A program that starts with a question is as ready as it will get without an answer.
    if (activity === 'idle' || activity === 'waiting') for (const wake of t.waiters) wake();
    for (const listener of this.listeners) listener(recorded, previous);
    return first;
  }

  /** Records the session's activity with its event, unless it is already recorded; null when it no longer runs. */
  private record(id: string, activity: Activity): Promise<Session | null> {
    return this.ctx.locks.run(id, async () => {
      const current = this.ctx.registry.get(id);
      if (current?.status !== 'running') return null;
      if (current.activity === activity) return current;
      const now = new Date().toISOString();
      const next: Session = { ...current, activity, lastActivityAt: now, updatedAt: now };
      await this.ctx.committer.commit({
        put: [next],
        events: [{ type: 'session.activity', sessionId: id, data: { activity, previous: current.activity } }],
      });
      return next;
    });
  }
}
