import type { Logger } from 'pino';
import type { Activity, SessdEvent } from '../../shared/protocol/model.js';
import type { SessionBackend } from '../backend/backend.js';
import type { SessionRegistry } from '../sessions/registry.js';
import type { TranscriptService } from '../transcripts/service.js';
import { classify, QUIET_MS, SILENT_START_MS } from './classify.js';
import { PrefaceFilter } from './preface.js';
import type { AgentProfile, Profiles } from './profiles.js';
import type { ActivityListener, ActivityRecorder, ActivitySource } from './recorder.js';
import { Slots } from './read-slots.js';
import { ReadScheduler, type ReadCause } from './scheduler.js';
import { read, type DetectedPrompt } from './screen.js';
import type { Phase, PromptWatcher, TrackingEvent } from './state.js';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

/**
 * An agent redraws its empty input before it shows that it works on what was just
 * submitted (Codex does, for up to about a second on a loaded 2-core machine): for a
 * profile that submits with paste-then-enter, an idle reading this soon after a
 * submitted message is read again once the time is up, unless the screen showed the
 * agent working or asking meanwhile (which ends the wait at once).
 */
const INPUT_SETTLE_MS = 1_500;

interface Tracked {
  readonly id: string;
  phase: Phase;
  /** The activity recorded last (until the first reading: the session record's). */
  activity: Activity;
  /** The notice recorded last (the session record's until the first reading). */
  notice: string | null;
  /** When the program started. */
  startedAt: number;
  /** When a message was last submitted (0: none yet). */
  submittedAt: number;
  /** Settled by the first reading recorded since tracking began; null once there was one. */
  unread: Deferred | null;
  readonly reads: ReadScheduler;
  /** Activity changes are recorded one after another. */
  chain: Promise<void>;
  /**
   * What the agent's own hook said last, until a screen reading agrees: the hook knows
   * first and the screen catches up, so readings that disagree meanwhile are not
   * recorded. Null: the screen decides.
   */
  reported: Activity | null;
  /** The agent's hooks tell its approvals (Claude's PermissionRequest): an approval on screen waits for the hook, which says what it is about. */
  hookedApprovals: boolean;
}

/** What activity is read from. */
export interface TrackerDeps {
  registry: SessionRegistry;
  backend: Pick<SessionBackend, 'capture'>;
  transcripts: Pick<TranscriptService, 'onOutput'>;
  /** Sessions' status changes: tracking begins and ends with them. */
  events: { onEvent(listener: (event: SessdEvent) => void): () => void };
}

/**
 * Screen reads in flight at most, across all sessions (two tmux commands each): the rest
 * wait in sessd, not in tmux's queue, so that other commands are not stuck behind them
 * (see Slots). More than a busy machine's agents read at once.
 */
const READS_IN_FLIGHT = 32;
/** Adopted sessions whose screens are read in one turn after a restart (two tmux commands each). */
const ADOPTED_READ_BATCH = 50;
/** How far apart those turns are: 1,000 sessions' readings are asked for within 0.4 s, 5,000 within 2 s (and then wait for a slot, READS_IN_FLIGHT). */
const ADOPTED_READ_STAGGER_MS = 20;

/**
 * Keeps every running session's activity current from its output as it happens:
 * output schedules a reading of the screen (ReadScheduler), the screen and what came
 * before are classified by the session's profile (classify), each change is recorded
 * (ActivityRecorder), and a recognised prompt opens an interaction. A restored
 * session's preface is not the program's output (PrefaceFilter).
 *
 * Over 300 lines because it joins two sources for one state per session, the screen
 * and the agent's hooks (`report`), and the rule for which one wins lives with that
 * state; the pure parts (classify, scheduler, preface, recorder) are files of their own.
 */
export class ActivityTracker {
  private readonly tracked = new Map<string, Tracked>();
  /** Sessions made ready for a start that is under way (a restore's preface); the start's event takes them over. */
  private readonly preparing = new Set<string>();
  private readonly trackingListeners = new Set<(event: TrackingEvent) => void>();
  private readonly promptWatchers = new Set<PromptWatcher>();
  private readonly offs: (() => void)[] = [];
  private readonly readSlots = new Slots(READS_IN_FLIGHT);

  constructor(
    private readonly deps: TrackerDeps,
    private readonly profiles: Profiles,
    private readonly recorder: ActivityRecorder,
    private readonly log: Logger,
  ) {
    // Output and status changes are followed from the start: it is built before sessions start.
    this.offs.push(
      this.deps.transcripts.onOutput((id, _offset, data) => this.output(id, data)),
      this.deps.events.onEvent((event) => {
        if (event.sessionId === null) return;
        if (event.type === 'session.created') {
          if (event.data.status === 'running') this.track(event.sessionId, false);
        } else if (event.type === 'session.status') {
          if (event.data.status === 'running') this.track(event.sessionId, event.data.previous === 'paused');
          else {
            this.untrack(event.sessionId);
            if (event.data.status === 'exited') void this.lastScreen(event.sessionId);
          }
        } else if (event.type === 'session.deleted') {
          this.untrack(event.sessionId);
          for (const watcher of this.promptWatchers) watcher.forget(event.sessionId);
          this.recorder.forget(event.sessionId);
        }
      }),
    );
  }

  /**
   * Starts tracking every running session (at daemon start, after the first reconcile).
   * Their readings are asked for in turns of ADOPTED_READ_BATCH, ADOPTED_READ_STAGGER_MS
   * apart, so their timers (and later their quiet readings) do not all fire in one
   * turn of the event loop; what keeps thousands of captures from queuing at tmux
   * ahead of a request is the read slots (READS_IN_FLIGHT).
   */
  trackRunning(): void {
    let n = 0;
    for (const session of this.deps.registry.all()) {
      if (session.status === 'running') this.track(session.id, true, undefined, Math.floor(n++ / ADOPTED_READ_BATCH) * ADOPTED_READ_STAGGER_MS);
    }
  }

  /**
   * The start about to happen shows a preface ending with `line`: output up to it is
   * not the program's. Call before the start; `cancelPreface` if the start fails.
   */
  expectPreface(sessionId: string, line: string): void {
    this.track(sessionId, false, line);
  }

  cancelPreface(sessionId: string): void {
    if (this.preparing.has(sessionId)) this.untrack(sessionId);
  }

  onChange(listener: ActivityListener): () => void {
    return this.recorder.onChange(listener);
  }

  /** Questions on screen as they come and go (interactions are opened from these). */
  watchPrompts(watcher: PromptWatcher): () => void {
    this.promptWatchers.add(watcher);
    return () => this.promptWatchers.delete(watcher);
  }

  onTracking(listener: (event: TrackingEvent) => void): () => void {
    this.trackingListeners.add(listener);
    return () => this.trackingListeners.delete(listener);
  }

  /** How many times the session has become idle (a message waits for the next one after its delivery). */
  idleEpoch(sessionId: string): number {
    return this.recorder.idleEpoch(sessionId);
  }

  activity(sessionId: string): Activity {
    return this.tracked.get(sessionId)?.activity ?? 'unknown';
  }

  /** How the session's profile says a message is submitted. */
  submitStyle(sessionId: string): AgentProfile['submit'] {
    return this.profiles.get(this.deps.registry.get(sessionId)?.agent ?? 'generic').submit;
  }

  /**
   * The agent's hook tells its activity (AgentHooks): recorded at once, and the screen
   * is not heeded until a reading agrees with it (the screen stays the judge of what
   * hooks do not tell, such as an interrupted turn).
   */
  report(sessionId: string, activity: Activity, tellsApprovals: boolean): Promise<void> {
    const t = this.tracked.get(sessionId);
    if (t === undefined || t.phase.kind === 'preface') return Promise.resolve();
    t.reported = activity;
    t.hookedApprovals = tellsApprovals;
    t.chain = t.chain
      .then(async () => {
        if (isStopped(t)) return;
        if (activity !== 'waiting') for (const watcher of this.promptWatchers) await watcher.gone(t.id);
        (await this.change(t, activity, t.notice, 'hook'))?.resolve();
      })
      .catch((error: unknown) => this.log.warn({ err: error, session: t.id }, 'cannot record activity'));
    t.reads.soon();
    return t.chain;
  }

  /**
   * Input went in (a message, keys, an answer): what waits for the session to be idle
   * waits for its next idle, and the screen is read soon even if nothing prints.
   */
  poke(sessionId: string, submitted = false): void {
    this.recorder.input(sessionId);
    const t = this.tracked.get(sessionId);
    if (t === undefined) return;
    if (submitted) t.submittedAt = Date.now();
    t.reads.soon();
  }

  /** The idle epoch in which input last went in (-1: none since this daemon started). */
  inputEpoch(sessionId: string): number {
    return this.recorder.inputEpoch(sessionId);
  }

  /**
   * Resolves once what the session's screen shows is recorded: its first reading since
   * tracking began (waiting at most `ms` for it), and every change read so far, an
   * interaction for a question on screen included.
   */
  async settled(sessionId: string, ms: number): Promise<void> {
    const t = this.tracked.get(sessionId);
    if (t === undefined) return;
    const unread = t.unread;
    if (unread !== null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        void unread.promise.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await t.chain;
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    for (const id of [...this.tracked.keys()]) this.untrack(id);
    this.trackingListeners.clear();
    this.promptWatchers.clear();
  }

  /**
   * `adopted`: a program that was already running (a daemon restart, a resume) has
   * spoken before, and its screen is read at once.
   */
  private track(id: string, adopted: boolean, preface?: string, laterMs = 0): void {
    const existing = this.tracked.get(id);
    if (existing !== undefined && preface === undefined && this.preparing.delete(id)) {
      // The start is recorded: what the screen shows now can be recorded too.
      existing.startedAt = Date.now();
      this.tell({ type: 'started', sessionId: id });
      existing.reads.soon();
      return;
    }
    this.untrack(id);
    const t: Tracked = {
      id,
      phase: preface !== undefined ? { kind: 'preface', filter: new PrefaceFilter(preface) } : adopted ? { kind: 'speaking' } : { kind: 'starting' },
      activity: this.deps.registry.get(id)?.activity ?? 'unknown',
      notice: this.deps.registry.get(id)?.notice ?? null,
      startedAt: Date.now(),
      submittedAt: 0,
      unread: deferred(),
      reads: new ReadScheduler(
        (cause) => this.read(t, cause),
        () => t.phase.kind !== 'preface',
        adopted,
      ),
      chain: Promise.resolve(),
      reported: null,
      hookedApprovals: false,
    };
    this.tracked.set(id, t);
    if (preface !== undefined) this.preparing.add(id);
    this.tell({ type: 'tracked', sessionId: id, adopted });
    t.reads.armQuiet((adopted ? QUIET_MS : SILENT_START_MS) + laterMs);
    t.reads.soon(laterMs);
  }

  private untrack(id: string): void {
    const t = this.tracked.get(id);
    if (t === undefined) return;
    t.phase = { kind: 'stopped' };
    t.reads.dispose();
    this.tracked.delete(id);
    this.preparing.delete(id);
    this.tell({ type: 'untracked', sessionId: id });
    for (const watcher of this.promptWatchers) {
      watcher.gone(id).catch((error: unknown) => this.log.warn({ err: error, session: id }, 'cannot cancel an interaction'));
    }
  }

  private tell(event: TrackingEvent): void {
    for (const listener of this.trackingListeners) listener(event);
  }

  private output(id: string, data: Uint8Array): void {
    const t = this.tracked.get(id);
    if (t === undefined) return;
    if (t.phase.kind === 'preface') {
      const seen = t.phase.filter.feed(data);
      if (seen.kind === 'preface') return;
      t.phase = { kind: 'restored' };
      if (!seen.spoke) return;
    }
    t.phase = { kind: 'speaking' };
    t.reads.output();
  }

  /**
   * A program that ended on its own may have said why on its last screen (Claude
   * Code's first run when it cannot reach its model): that is kept as the session's notice.
   */
  private async lastScreen(id: string): Promise<void> {
    try {
      const session = this.deps.registry.get(id);
      if (session === undefined) return;
      const profile = this.profiles.get(session.agent);
      if (profile.problems.length === 0) return;
      const captured = await this.deps.backend.capture(id, { rows: true });
      const { problem } = read(profile, { rows: captured.text.split('\n'), cursorRow: captured.cursor.y, cursorCol: captured.cursor.x });
      if (problem !== null) await this.recorder.ended(id, problem);
    } catch (error) {
      // The pane is gone already (deleted, or the server went): there is no last screen to read.
      this.log.debug({ err: error, session: id }, 'cannot read the last screen');
    }
  }

  /** Reads the screen and records what it means. */
  private async read(t: Tracked, cause: ReadCause): Promise<void> {
    try {
      const captured = await this.readSlots.run(async () => (isStopped(t) ? null : await this.deps.backend.capture(t.id, { rows: true })));
      if (captured === null || isStopped(t)) return;
      const profile = this.profiles.get(this.deps.registry.get(t.id)?.agent ?? 'generic');
      const verdict = classify(
        profile,
        { rows: captured.text.split('\n'), cursorRow: captured.cursor.y, cursorCol: captured.cursor.x },
        {
          activity: t.activity,
          printed: cause.printed,
          quiet: cause.quiet,
          quietArmed: t.reads.quietArmed,
          spoke: t.phase.kind === 'speaking',
          prefaced: t.phase.kind === 'restored',
          sinceStartMs: Date.now() - t.startedAt,
        },
      );
      if (verdict.kind === 'silent') return t.reads.armQuiet(verdict.quietInMs);
      // The screen says the program took the message (it works, or asks): its next idle is real.
      if (verdict.activity !== 'idle' && verdict.quiet === 'clear') t.submittedAt = 0;
      const settling = t.submittedAt + INPUT_SETTLE_MS - Date.now();
      if (verdict.activity === 'idle' && t.activity !== 'idle' && profile.submit === 'paste-then-enter' && settling > 0) return t.reads.armQuiet(settling);
      if (verdict.spoke) t.phase = { kind: 'speaking' };
      if (verdict.quiet === 'clear') t.reads.clearQuiet();
      else if (verdict.quiet !== 'keep') t.reads.armQuiet(verdict.quiet.arm);
      // Quiet tells readiness the program is as ready as can be told; not for a profile whose
      // quiet means nothing (an agent is ready when its input is live, never merely quiet).
      if (verdict.settledQuiet && profile.quiet !== 'unknown') this.tell({ type: 'quiet', sessionId: t.id });
      // The hook's PermissionRequest comes with the dialog (not after it), and says what is to be approved.
      if (t.hookedApprovals && verdict.prompt?.kind === 'approval' && t.reported !== 'waiting' && t.activity !== 'waiting') return;
      if (t.reported !== null) {
        if (verdict.activity !== t.reported) return; // the screen has not caught up with the hook yet
        t.reported = null;
      }
      await this.set(t, verdict.activity, verdict.prompt, verdict.problem);
    } catch (error) {
      this.log.debug({ err: error, session: t.id }, 'cannot read the screen');
    }
  }

  private set(t: Tracked, activity: Activity, prompt: DetectedPrompt | null, notice: string | null): Promise<void> {
    t.chain = t.chain.then(async () => {
      if (isStopped(t)) return;
      // A question that went away is cancelled before the new activity is told; one that
      // came is opened after it: whoever hears of an interaction finds the session waiting.
      if (prompt === null) for (const watcher of this.promptWatchers) await watcher.gone(t.id);
      const firstReading = await this.change(t, activity, notice);
      if (prompt !== null && !isStopped(t)) for (const watcher of this.promptWatchers) await watcher.shown(t.id, prompt);
      firstReading?.resolve();
    }).catch((error: unknown) => this.log.warn({ err: error, session: t.id }, 'cannot record activity'));
    return t.chain;
  }

  /** Records and tells a change of activity; the first reading's waiters when this was the first since tracking began. */
  private async change(t: Tracked, activity: Activity, notice: string | null, source: ActivitySource = 'screen'): Promise<Deferred | null> {
    // The first reading is news even when the record already says it (a daemon restart:
    // what waits for idle must hear of it).
    if (activity === t.activity && notice === t.notice && t.unread === null) return null;
    const recorded = await this.recorder.store(t.id, activity, notice, source);
    if (recorded === null || isStopped(t)) return null;
    t.notice = notice;
    if (activity === t.activity && t.unread === null) return null;
    const firstReading = t.unread;
    const previous = firstReading === null ? t.activity : 'unknown';
    t.activity = activity;
    t.unread = null;
    this.recorder.tell(recorded, previous);
    return firstReading;
  }
}

/** Whether tracking ended, read through a function so that narrowing before an await does not hide it. */
function isStopped(t: Tracked): boolean {
  return t.phase.kind === 'stopped';
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
