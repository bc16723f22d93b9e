import type { Logger } from 'pino';
import type { PendingMark, Segment, TranscriptLimits, TranscriptState, TranscriptStates } from './state.js';
import type { TranscriptStore } from './store.js';
import type { TapLedger } from './tap-ledger.js';

/** How long output waits in memory before it is written: bounds what a daemon crash can lose. */
const FLUSH_MS = 20;
/** Output is stored in chunks of at most this many bytes. */
const CHUNK_BYTES = 64 * 1024;
/** How often a session's transcript is checked against its age bound. */
const RETENTION_CHECK_MS = 10_000;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What one flush writes of one session. */
interface Work {
  session: string;
  state: TranscriptState;
  segments: Segment[];
  /** Bytes of `segments`. */
  flushed: number;
  marks: PendingMark[];
  /** The stored end once written. */
  end: number;
  /** Offset below which output is dropped by retention. */
  prune: number;
  /** Tap positions stored with this output. */
  taps: Map<string, number>;
}

/**
 * Writes what waits in memory (output, marks, tap positions, retention) every FLUSH_MS
 * or sooner when asked, one flush at a time, each in one transaction through
 * `TranscriptStore.write`. A failed flush keeps everything in memory for the next.
 */
export class Flusher {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** A flush was asked for while one ran. */
  private again = false;
  /** Told once everything appended or marked before they were added is stored. */
  private waiters: Waiter[] = [];

  constructor(
    private readonly store: TranscriptStore,
    private readonly states: TranscriptStates,
    private readonly ledger: TapLedger,
    private readonly limits: Pick<TranscriptLimits, 'maxBytes' | 'maxAgeMs'>,
    private readonly log: Logger,
  ) {}

  /** Flushes in `delay` ms (sooner if asked), one flush at a time; one asked for meanwhile runs next. */
  schedule(delay = FLUSH_MS): void {
    if (this.timer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.flushing !== undefined) {
        this.again = true;
        return;
      }
      void this.run();
    }, delay);
  }

  /**
   * Resolves once everything appended or marked so far is stored, flushing now;
   * rejects with the StorageError if that write fails.
   */
  whenStored(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule(0);
    });
  }

  /** Resolves once the flush running now, if any, is done. */
  async idle(): Promise<void> {
    await this.flushing;
  }

  /** Writes everything pending now (at shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing !== undefined) await this.flushing;
    await this.run();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private run(): Promise<void> {
    this.flushing = this.write().finally(() => {
      this.flushing = undefined;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const now = Date.now();
    const work = this.plan(now);
    const waiters = this.waiters.splice(0);
    if (work.length === 0) {
      for (const waiter of waiters) waiter.resolve();
      return;
    }
    try {
      await this.store.write(() => {
        for (const w of work) this.put(w, now);
      });
    } catch (error) {
      // Kept in memory for the next flush (appends stop at the pending limit meanwhile);
      // whoever waited for it to be stored is told it is not.
      this.log.warn({ err: error }, 'writing transcripts failed');
      for (const waiter of waiters) waiter.reject(error);
      this.schedule();
      return;
    }
    for (const waiter of waiters) waiter.resolve();
    for (const w of work) this.settle(w);
  }

  /** What each session with something pending writes now, and what retention drops. */
  private plan(now: number): Work[] {
    const work: Work[] = [];
    for (const [session, state] of this.states.entries()) {
      if (state.segments.length === 0 && state.marks.length === 0 && !this.ledger.hasUnstored(session)) continue;
      const segments = state.segments.slice();
      const flushed = segments.reduce((n, s) => n + s.data.length, 0);
      const end = state.committed + flushed;
      let prune = state.start;
      if (end - state.start > this.limits.maxBytes) prune = end - this.limits.maxBytes;
      if (now - state.retentionCheckedAt > RETENTION_CHECK_MS) {
        state.retentionCheckedAt = now;
        for (const { key, value } of this.store.chunks.getRange({ start: [session, state.start], end: [session, end] })) {
          if (now - value.t <= this.limits.maxAgeMs) break;
          prune = Math.max(prune, key[1] + value.d.length);
        }
      }
      // Positions received so far are stored with the output they came with.
      work.push({ session, state, segments, flushed, marks: state.marks.slice(), end, prune, taps: this.ledger.toStore(session) });
    }
    return work;
  }

  /** Inside the transaction: a session's output in chunks, its marks, what retention drops, its meta. */
  private put(w: Work, now: number): void {
    const { chunks, meta, marks } = this.store;
    let offset = w.state.committed;
    const bytes = Buffer.concat(w.segments.map((s) => s.data));
    for (let i = 0; i < bytes.length; i += CHUNK_BYTES) {
      chunks.putSync([w.session, offset + i], { t: now, d: bytes.subarray(i, i + CHUNK_BYTES) });
    }
    offset += bytes.length;
    for (const m of w.marks) marks.putSync(m.key, m.mark);
    if (w.prune > w.state.start) {
      for (const { key, value } of chunks.getRange({ start: [w.session, 0], end: [w.session, w.prune] })) {
        if (key[1] + value.d.length > w.prune) break;
        chunks.removeSync(key);
      }
      for (const key of marks.getKeys({ start: [w.session, 0, 0], end: [w.session, w.prune, 0] })) marks.removeSync(key);
    }
    meta.putSync(w.session, { start: Math.max(w.state.start, w.prune), end: offset, taps: Object.fromEntries(w.taps) });
  }

  /** After the commit: what was written leaves memory, and the taps hear how far they are stored. */
  private settle(w: Work): void {
    const state = w.state;
    state.committed = w.end;
    state.segments.splice(0, w.segments.length);
    state.pendingBytes -= w.flushed;
    state.marks.splice(0, w.marks.length);
    if (w.prune > state.start) state.start = Math.min(w.prune, w.end);
    this.ledger.stored(w.session, w.taps);
  }
}
