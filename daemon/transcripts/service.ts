import type { Logger } from 'pino';
import type { ClientConnection } from '../rpc/connection.js';
import { Followers } from './followers.js';
import type { Mark, TranscriptStore } from './store.js';

/** How long output waits in memory before it is written: bounds what a daemon crash can lose. */
const FLUSH_MS = 20;
/** Output is stored in chunks of at most this many bytes. */
const CHUNK_BYTES = 64 * 1024;
/** Tap streams whose positions are remembered per session (a tap per program run). */
const TAPS_KEPT = 8;
/** How often a session's transcript is checked against its retention bounds. */
const RETENTION_CHECK_MS = 10_000;

export interface TranscriptLimits {
  /** Bytes kept per session; older output is dropped. */
  maxBytes: number;
  /** How long output is kept. */
  maxAgeMs: number;
  /** Output waiting to be written per session; beyond it new output is dropped (a gap). */
  pendingBytes: number;
}

export interface TranscriptRead {
  bytes: Buffer;
  from: number;
  to: number;
  end: number;
  marks: (Mark & { at: number })[];
}

interface Segment {
  offset: number;
  data: Uint8Array;
}

interface SessionState {
  /** Offset of the oldest kept byte. */
  start: number;
  /** End of what is committed to the store. */
  committed: number;
  /** Output not yet committed, in order, from `committed` on. */
  segments: Segment[];
  pendingBytes: number;
  marks: { key: [string, number, number]; mark: Mark }[];
  /** Bytes refused because too much waited to be written. */
  refused: number;
  retentionCheckedAt: number;
  /** Tap streams: how far each has been received (in memory) and stored. */
  tapsReceived: Map<string, number>;
  tapsStored: Map<string, number>;
}

/** Where output came from: a tap's stream, and its offset just past the frame. */
export interface TapPosition {
  tap: string;
  offset: number;
}

/**
 * Every session's output, as a transcript with byte offsets: taps append, the store
 * keeps it (in chunks, written every FLUSH_MS), readers and followers read any range.
 * Appending never waits for the store: what cannot be kept is dropped and marked.
 */
export class TranscriptService {
  private readonly sessions = new Map<string, SessionState>();
  private readonly followers = new Followers(this);
  private readonly outputListeners = new Set<(session: string, offset: number, data: Uint8Array) => void>();
  private readonly storedListeners = new Set<(session: string, tap: string, offset: number) => void>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** A flush was asked for while one ran. */
  private flushAgain = false;
  /** Resolved once everything appended or marked before they were added is stored. */
  private storedWaiters: (() => void)[] = [];
  private markSeq = Date.now() * 1000;
  /** Totals, for metrics. */
  readonly totals = { bytes: 0, dropped: 0 };

  constructor(
    private readonly store: TranscriptStore,
    private readonly limits: TranscriptLimits,
    private readonly log: Logger,
  ) {}

  /**
   * Where a tap stream should resume: what has been received from it (stored or
   * not), within what the tap still holds. A stream not seen before starts at `base`;
   * one whose stored position is older than `base` lost the difference (a gap).
   */
  tapResume(session: string, tap: string, base: number, end: number): number {
    const state = this.state(session);
    const known = state.tapsReceived.get(tap) ?? state.tapsStored.get(tap);
    if (known !== undefined && known < base) this.gap(session, null);
    return Math.min(Math.max(known ?? base, base), end);
  }

  /** Calls `listener` when a tap's output up to `offset` is stored. */
  onStored(listener: (session: string, tap: string, offset: number) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  /** Output from a session's program. */
  append(session: string, data: Uint8Array, source?: TapPosition): void {
    const state = this.state(session);
    if (source !== undefined) state.tapsReceived.set(source.tap, source.offset);
    if (state.pendingBytes + data.length > this.limits.pendingBytes) {
      state.refused += data.length;
      this.totals.dropped += data.length;
      this.schedule();
      return;
    }
    this.markRefused(session, state);
    const offset = state.committed + state.pendingBytes;
    state.segments.push({ offset, data });
    state.pendingBytes += data.length;
    this.totals.bytes += data.length;
    for (const listener of this.outputListeners) listener(session, offset, data);
    this.followers.appended(session);
    this.schedule();
  }

  /** `bytes` of output were lost before reaching sessd (null: an unknown amount). */
  gap(session: string, bytes: number | null, source?: TapPosition): void {
    if (source !== undefined) this.state(session).tapsReceived.set(source.tap, source.offset);
    this.totals.dropped += bytes ?? 0;
    this.log.warn({ session, bytes }, 'output lost before it reached sessd');
    this.mark(session, { kind: 'gap', time: new Date().toISOString(), bytes });
  }

  /**
   * Input sent through sessd, kept beside the output at the offset where it was
   * typed; resolves once stored, so a reply to the input implies its record.
   */
  input(session: string, text: string, via: 'text' | 'keys', submit: boolean): Promise<void> {
    this.mark(session, { kind: 'input', time: new Date().toISOString(), text, via, ...(submit ? { submit } : {}) });
    return new Promise((resolve) => {
      this.storedWaiters.push(resolve);
      this.schedule(0);
    });
  }

  end(session: string): number {
    const state = this.state(session);
    return state.committed + state.pendingBytes;
  }

  /** Reads up to `maxBytes` from `from` (moved up to the oldest kept byte), with the marks in that range. */
  read(session: string, from: number | undefined, maxBytes: number): TranscriptRead {
    const read = this.readBytes(session, from, maxBytes);
    return { ...read, marks: this.marksIn(session, read.from, read.to) };
  }

  /** The bytes of a range, without its marks. */
  readBytes(session: string, from: number | undefined, maxBytes: number): Omit<TranscriptRead, 'marks'> {
    const state = this.state(session);
    const end = state.committed + state.pendingBytes;
    const start = Math.min(Math.max(from ?? state.start, state.start), end);
    const stop = Math.min(end, start + maxBytes);
    const parts: Uint8Array[] = [];
    let at = start;
    if (at < state.committed) {
      const [first] = [...this.store.chunks.getKeys({ start: [session, at], end: [session, -1], reverse: true, limit: 1 })];
      const begin = first?.[1] ?? at;
      for (const { key, value } of this.store.chunks.getRange({ start: [session, begin], end: [session, state.committed] })) {
        const offset = key[1];
        const data = value.d;
        if (offset + data.length <= at) continue;
        if (offset >= stop) break;
        const slice = data.subarray(Math.max(0, at - offset), Math.min(data.length, stop - offset));
        parts.push(slice);
        at += slice.length;
        if (at >= stop || at >= state.committed) break;
      }
      // Bytes pruned between the check and the read (or a hole): nothing more is stored there.
      if (at < state.committed && at < stop) at = Math.min(state.committed, stop);
    }
    for (const segment of state.segments) {
      if (at >= stop) break;
      if (segment.offset + segment.data.length <= at) continue;
      const slice = segment.data.subarray(Math.max(0, at - segment.offset), Math.min(segment.data.length, stop - segment.offset));
      parts.push(slice);
      at += slice.length;
    }
    return { bytes: Buffer.concat(parts), from: start, to: at, end };
  }

  onOutput(listener: (session: string, offset: number, data: Uint8Array) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Streams a session's output from `from` (default: the end) to a connection, then live. */
  follow(conn: ClientConnection, session: string, from: number | undefined): string {
    const state = this.state(session);
    const end = state.committed + state.pendingBytes;
    return this.followers.add(conn, session, Math.min(Math.max(from ?? end, state.start), end));
  }

  unfollow(conn: ClientConnection, id: string): boolean {
    return this.followers.remove(conn, id);
  }

  /** Removes a session's transcript. */
  async delete(session: string): Promise<void> {
    await this.flushing;
    this.sessions.delete(session);
    this.followers.forget(session);
    const { chunks, meta, marks } = this.store;
    await this.store.root.transaction(() => {
      for (const key of chunks.getKeys({ start: [session, 0], end: [session, Number.MAX_SAFE_INTEGER] })) chunks.removeSync(key);
      for (const key of marks.getKeys({ start: [session, 0, 0], end: [session, Number.MAX_SAFE_INTEGER, 0] })) marks.removeSync(key);
      meta.removeSync(session);
    });
  }

  /** Writes everything pending (at shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing !== undefined) await this.flushing;
    await this.runFlush();
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    for (const resolve of this.storedWaiters.splice(0)) resolve();
    this.followers.clear();
    this.outputListeners.clear();
  }

  private state(session: string): SessionState {
    let state = this.sessions.get(session);
    if (state === undefined) {
      const meta = this.store.meta.get(session);
      state = {
        start: meta?.start ?? 0,
        committed: meta?.end ?? 0,
        segments: [],
        pendingBytes: 0,
        marks: [],
        refused: 0,
        retentionCheckedAt: 0,
        tapsReceived: new Map(),
        tapsStored: new Map(Object.entries(meta?.taps ?? {})),
      };
      this.sessions.set(session, state);
    }
    return state;
  }

  private mark(session: string, mark: Mark): void {
    const state = this.state(session);
    state.marks.push({ key: [session, state.committed + state.pendingBytes, this.markSeq++], mark });
    this.schedule();
  }

  private markRefused(session: string, state: SessionState): void {
    if (state.refused === 0) return;
    const bytes = state.refused;
    state.refused = 0;
    this.log.warn({ session, bytes }, 'transcript fell behind; output dropped');
    this.mark(session, { kind: 'gap', time: new Date().toISOString(), bytes });
  }

  private marksIn(session: string, from: number, to: number): (Mark & { at: number })[] {
    const stored = [...this.store.marks.getRange({ start: [session, from, 0], end: [session, to, Number.MAX_SAFE_INTEGER] })];
    // A flush that just committed has not yet taken its marks off the pending list.
    const seen = new Set(stored.map(({ key }) => key[2]));
    const pending = this.state(session)
      .marks.filter((m) => m.key[1] >= from && m.key[1] <= to && !seen.has(m.key[2]))
      .map((m) => ({ key: m.key, value: m.mark }));
    return [...stored, ...pending].map(({ key, value }) => ({ at: key[1], ...value }));
  }

  /** Flushes in `delay` ms (sooner if asked), one flush at a time; one asked for meanwhile runs next. */
  private schedule(delay = FLUSH_MS): void {
    if (this.flushTimer !== undefined) {
      if (delay > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.flushing !== undefined) {
        this.flushAgain = true;
        return;
      }
      void this.runFlush();
    }, delay);
  }

  private runFlush(): Promise<void> {
    this.flushing = this.doFlush().finally(() => {
      this.flushing = undefined;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.schedule(0);
      }
    });
    return this.flushing;
  }

  /** Writes pending output, marks and retention in one transaction; keeps them in memory if it fails. */
  private async doFlush(): Promise<void> {
    const { chunks, meta, marks } = this.store;
    const now = Date.now();
    const work: {
      session: string;
      state: SessionState;
      segments: Segment[];
      flushed: number;
      marks: SessionState['marks'];
      end: number;
      prune: number;
      taps: Map<string, number>;
    }[] = [];
    for (const [session, state] of this.sessions) {
      if (state.segments.length === 0 && state.marks.length === 0 && state.tapsReceived.size === 0) continue;
      const segments = state.segments.slice();
      const flushed = segments.reduce((n, s) => n + s.data.length, 0);
      const end = state.committed + flushed;
      let prune = state.start;
      if (end - state.start > this.limits.maxBytes) prune = end - this.limits.maxBytes;
      if (now - state.retentionCheckedAt > RETENTION_CHECK_MS) {
        state.retentionCheckedAt = now;
        for (const { key, value } of chunks.getRange({ start: [session, state.start], end: [session, end] })) {
          if (now - value.t <= this.limits.maxAgeMs) break;
          prune = Math.max(prune, key[1] + value.d.length);
        }
      }
      // Positions received so far are stored with the output they came with.
      // Streams heard from most recently come last, and the oldest are forgotten first.
      const taps = new Map([...state.tapsStored].filter(([tap]) => !state.tapsReceived.has(tap)));
      for (const [tap, offset] of state.tapsReceived) taps.set(tap, offset);
      for (const tap of [...taps.keys()].slice(0, Math.max(0, taps.size - TAPS_KEPT))) taps.delete(tap);
      work.push({ session, state, segments, flushed, marks: state.marks.slice(), end, prune, taps });
    }
    const waiters = this.storedWaiters.splice(0);
    if (work.length === 0) {
      for (const resolve of waiters) resolve();
      return;
    }
    try {
      await this.store.root.transaction(() => {
        for (const w of work) {
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
      });
    } catch (error) {
      // Kept in memory for the next flush; appends stop at the pending limit meanwhile.
      this.log.warn({ err: error }, 'writing transcripts failed');
      this.storedWaiters.unshift(...waiters);
      this.schedule();
      return;
    }
    for (const resolve of waiters) resolve();
    for (const w of work) {
      const state = w.state;
      state.committed = w.end;
      state.segments.splice(0, w.segments.length);
      state.pendingBytes -= w.flushed;
      state.marks.splice(0, w.marks.length);
      if (w.prune > state.start) state.start = Math.min(w.prune, w.end);
      for (const [tap, offset] of w.taps) {
        if (state.tapsReceived.get(tap) === offset) state.tapsReceived.delete(tap);
        const stored = state.tapsStored.get(tap);
        state.tapsStored.delete(tap); // re-inserted last: the most recent are kept
        state.tapsStored.set(tap, Math.max(stored ?? 0, offset));
        if (stored !== offset) for (const listener of this.storedListeners) listener(w.session, tap, offset);
      }
      for (const tap of [...state.tapsStored.keys()]) if (!w.taps.has(tap)) state.tapsStored.delete(tap);
    }
  }
}
