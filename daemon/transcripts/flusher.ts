import type { Logger } from 'pino';
import { droppable, strayBelow, type ByteRange, type RetainedRanges } from './retention.js';
import type { PendingMark, Segment, TranscriptLimits, TranscriptState, TranscriptStates } from './state.js';
import { CHUNK_BYTES, type TranscriptStore } from './store.js';
import type { TapLedger } from './tap-ledger.js';

/**
 * How long output waits in memory before it is committed. The transcripts' store
 * syncs each commit right after it (overlappingSync, in LMDB's write thread), so a
 * byte is on disk at most COMMIT_MS plus one sync after it arrived: what an OS crash
 * can lose of a transcript (README "Durability"). A daemon crash loses nothing of it:
 * a tap keeps what is not stored and sends it again.
 */
export const COMMIT_MS = 200;
/**
 * Output waiting (all sessions together) that is committed without waiting for
 * COMMIT_MS: a quarter of a tap's ring (sessd-tap's BUFFER_CAP, 8 MiB), so a busy pane's
 * tap is acknowledged long before its ring fills; at a pane's full speed (~45 MiB/s)
 * about 20 commits, and syncs, per second instead of one per 20 ms.
 */
export const COMMIT_BYTES = 2 * 1024 * 1024;
/** How often every transcript, idle ones included, is checked against its age bound. */
const RETENTION_CHECK_MS = 10_000;
/** After a failed write, the next waits this long, doubling per failure up to FAILED_RETRY_MAX_MS: a full disk is not retried 50 times a second. */
const FAILED_RETRY_MS = 50;
/** The longest wait between attempts while the store refuses writes: how late output is stored once there is room again. */
const FAILED_RETRY_MAX_MS = 2_000;
/** While writes keep failing, one warning per this interval (with the count), not one per attempt. */
const FAILED_LOG_MS = 30_000;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What one flush writes of one session. */
export interface Work {
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
  /** Chunks below `start` are no longer all retained: drop those that are not (a checkpoint was dropped). */
  sweep?: boolean;
  /** What retention must keep of this session (set when it drops anything). */
  retained?: readonly ByteRange[];
}

/**
 * Writes what waits in memory (output, marks, tap positions, retention) COMMIT_MS after
 * the first of it arrived, or once COMMIT_BYTES of output wait, or sooner when asked;
 * one flush at a time, each in one transaction through `TranscriptStore.write`. A
 * failed flush keeps everything in memory for the next.
 */
export class Flusher {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** A flush was asked for while one ran. */
  private again = false;
  /** Told once everything appended or marked before they were added is stored. */
  private waiters: Waiter[] = [];
  /** Writes failed in a row (0: the last one succeeded), when the first of them failed, and when that was last logged. */
  private failing = { count: 0, since: 0, loggedAt: 0 };
  private lastRetentionCheck = 0;
  /** Output bytes told of (`output`) since the last flush was planned. */
  private unflushed = 0;
  private readonly retentionTimer: NodeJS.Timeout;

  constructor(
    private readonly store: TranscriptStore,
    private readonly states: TranscriptStates,
    private readonly ledger: TapLedger,
    private readonly limits: Pick<TranscriptLimits, 'maxBytes' | 'maxAgeMs' | 'totalBytes'>,
    private readonly log: Logger,
    /** Ranges kept beyond retention; none by default. */
    private readonly retained: RetainedRanges = () => [],
  ) {
    // Idle transcripts age too: nothing else would flush them.
    this.retentionTimer = setInterval(() => this.schedule(), RETENTION_CHECK_MS).unref();
  }

  /** Whether the last write failed (the store refuses writes: disk full, say). */
  get failed(): boolean {
    return this.failing.count > 0;
  }

  /**
   * Flushes in `delay` ms (sooner if asked), one flush at a time; one asked for
   * meanwhile runs next. While writes fail, the default delay is the backoff's.
   */
  schedule(delay = this.retryDelay()): void {
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

  /** `bytes` of output were appended: flushed within COMMIT_MS, at once when COMMIT_BYTES wait. */
  output(bytes: number): void {
    this.unflushed += bytes;
    this.schedule(this.unflushed >= COMMIT_BYTES && this.failing.count === 0 ? 0 : undefined);
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
    clearInterval(this.retentionTimer);
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
      // Kept in memory for the next flush, tried again with a backoff (appends stop at
      // the pending limit meanwhile, recording a gap); whoever waited for it to be
      // stored is told it is not.
      this.noteFailure(error, now);
      for (const waiter of waiters) waiter.reject(error);
      this.schedule();
      return;
    }
    if (this.failing.count > 0) {
      this.log.info({ failures: this.failing.count, ms: now - this.failing.since }, 'transcripts are written again');
      this.failing = { count: 0, since: 0, loggedAt: 0 };
    }
    for (const waiter of waiters) waiter.resolve();
    for (const w of work) this.settle(w);
  }

  /** Counts a failed write; warns at the first and then once per FAILED_LOG_MS. */
  private noteFailure(error: unknown, now: number): void {
    const f = this.failing;
    if (f.count++ === 0) f.since = now;
    if (f.count > 1 && now - f.loggedAt < FAILED_LOG_MS) return;
    f.loggedAt = now;
    this.log.warn({ err: error, failures: f.count, retryMs: this.retryDelay() }, 'writing transcripts failed');
  }

  private retryDelay(): number {
    if (this.failing.count === 0) return COMMIT_MS;
    return Math.min(FAILED_RETRY_MS * 2 ** Math.min(this.failing.count - 1, 16), FAILED_RETRY_MAX_MS);
  }

  /**
   * What each session with something pending writes now, and what retention drops:
   * per session, output beyond `maxBytes` or older than `maxAgeMs` (checked every
   * RETENTION_CHECK_MS for every transcript, idle ones too); then, over all of them,
   * beyond `totalBytes` (see `capTotal`). Chunks of retained ranges (checkpoints'
   * scrollback) stay (`droppable`), and at each age check those no longer retained go.
   */
  private plan(now: number): Work[] {
    const candidates: Work[] = [];
    this.unflushed = 0;
    const checkAge = now - this.lastRetentionCheck > RETENTION_CHECK_MS;
    if (checkAge) this.lastRetentionCheck = now;
    for (const [session, state] of this.states.entries()) {
      const segments = state.segments.slice();
      const flushed = segments.reduce((n, s) => n + s.data.length, 0);
      const end = state.committed + flushed;
      let prune = state.start;
      if (end - state.start > this.limits.maxBytes) prune = end - this.limits.maxBytes;
      if (checkAge) {
        for (const { key, value } of this.store.chunks.getRange({ start: [session, state.start], end: [session, end] })) {
          if (now - value.t <= this.limits.maxAgeMs) break;
          prune = Math.max(prune, key[1] + value.d.length);
        }
      }
      // Positions received so far are stored with the output they came with.
      candidates.push({ session, state, segments, flushed, marks: state.marks.slice(), end, prune, taps: new Map() });
    }
    capTotal(candidates, this.limits.totalBytes);
    const work: Work[] = [];
    for (const w of candidates) {
      if (w.prune > w.state.start) w.retained = this.retained(w.session);
      else if (checkAge) this.checkRetained(w);
      if (w.segments.length === 0 && w.marks.length === 0 && w.prune <= w.state.start && w.sweep !== true && !this.ledger.hasUnstored(w.session)) continue;
      w.taps = this.ledger.toStore(w.session);
      work.push(w);
    }
    return work;
  }

  /** At an age check: chunks below the start that no range retains any more are swept. */
  private checkRetained(w: Work): void {
    if (!strayBelow(this.store.chunks, w.session, w.state.start, w.state.committed, () => this.retained(w.session))) return;
    w.sweep = true;
    w.retained = this.retained(w.session);
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
    if (w.prune > w.state.start || w.sweep === true) {
      const below = Math.max(w.prune, w.state.start);
      for (const key of droppable(chunks, w.session, below, offset, w.retained ?? [])) chunks.removeSync(key);
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

/**
 * The overall cap: when all transcripts together would keep more than `total` bytes,
 * the largest are cut to a common size, oldest output first, so that together they
 * fit; a transcript smaller than that size loses nothing to a bigger one. (Chunks go
 * whole, so each cut transcript may keep up to one chunk more.)
 */
export function capTotal(work: Work[], total: number): void {
  const kept = (w: Work): number => w.end - w.prune;
  const sum = work.reduce((n, w) => n + kept(w), 0);
  if (sum <= total) return;
  const bySize = [...work].sort((a, b) => kept(b) - kept(a));
  // The level: the largest L with sum(min(size, L)) <= total. With the i+1 largest cut
  // to L and the rest whole, L = (total - rest) / (i + 1), valid once L >= the next size.
  let level = 0;
  let cut = 0;
  for (let i = 0; i < bySize.length; i++) {
    cut += kept(bySize[i]!);
    const next = i + 1 < bySize.length ? kept(bySize[i + 1]!) : 0;
    const l = Math.floor((total - (sum - cut)) / (i + 1));
    if (l >= next) {
      level = Math.max(0, l);
      break;
    }
  }
  for (const w of bySize) if (kept(w) > level) w.prune = w.end - level;
}
