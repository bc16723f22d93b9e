import type { Logger } from 'pino';
import { errors } from '../errors.js';
import type { GapReason } from '../../shared/protocol/session-io.js';
import type { ClientConnection } from '../rpc/connection.js';
import { StorageError } from '../store/store.js';
import { Followers } from './followers.js';
import { Flusher } from './flusher.js';
import { marksIn, offsetAt, readBytes, readKept, type MarkSource, type TranscriptRead } from './reader.js';
import type { ByteRange, RetainedRanges } from './retention.js';
import { endOf, TranscriptStates, type PendingMark, type TranscriptLimits, type TranscriptState } from './state.js';
import type { Mark, TranscriptStore } from './store.js';
import { TapLedger, type TapPosition } from './tap-ledger.js';

export type { TranscriptLimits } from './state.js';

/** A gap marked in a transcript: where, how many bytes (null: unknown), and why. */
export interface Gap {
  at: number;
  bytes: number | null;
  reason: GapReason;
}

/**
 * Every session's output, as a transcript with byte offsets: taps append, the store
 * keeps it (in chunks, written by the Flusher), readers and followers read any range.
 * Appending never waits for the store: what cannot be kept is dropped and marked.
 * The parts: TranscriptStates (what is held per session), Flusher (writing it),
 * reader.ts (reading it back), TapLedger (how far each tap is received and stored),
 * Followers (`transcript/follow`).
 */
export class TranscriptService {
  /** Tap streams: where each resumes, and acknowledgements of what is stored. */
  readonly taps: TapLedger;
  private readonly states: TranscriptStates;
  private readonly flusher: Flusher;
  private readonly followers = new Followers(this);
  private readonly outputListeners = new Set<(session: string, offset: number, data: Uint8Array) => void>();
  private readonly gapListeners = new Set<(session: string, gap: Gap) => void>();
  private markSeq = Date.now() * 1000;
  /** What retention must keep beyond its bounds (`retain`). */
  private retained: RetainedRanges = () => [];
  /** Totals, for metrics. */
  readonly totals = { bytes: 0, dropped: 0 };

  constructor(
    private readonly store: TranscriptStore,
    private readonly limits: TranscriptLimits,
    private readonly log: Logger,
    /** Input marks stored with their message (`Store.inputMarks`), read beside the transcripts' own. */
    private readonly storedInputs?: MarkSource,
  ) {
    this.states = new TranscriptStates(store);
    this.taps = new TapLedger((session) => store.meta.get(session)?.taps);
    this.flusher = new Flusher(store, this.states, this.taps, limits, log, (session) => this.retained(session));
  }

  /** Makes retention keep the ranges `source` names (checkpoints' scrollback) until it no longer names them. */
  retain(source: RetainedRanges): void {
    this.retained = source;
  }

  /**
   * Where a tap stream should resume (see TapLedger.resume); a stream whose tap no
   * longer holds what was not stored is recorded as a gap of unknown size.
   */
  tapResume(session: string, tap: string, base: number, end: number): number {
    const resume = this.taps.resume(session, tap, base, end);
    if (resume.lost) this.gap(session, null, 'resumed');
    return resume.offset;
  }

  /** Output from a session's program; `source`: the tap position it reaches. */
  append(session: string, data: Uint8Array, source?: TapPosition): void {
    const state = this.states.get(session);
    if (source !== undefined) this.taps.received(session, source);
    if (state.pendingBytes + data.length > this.limits.pendingBytes) {
      // Logged once per stretch of loss; the gap is marked when output is kept again.
      if (state.refused === 0) this.log.warn({ session, pendingBytes: state.pendingBytes, storeFailing: this.flusher.failed }, 'transcript fell behind; dropping output until it is written');
      state.refused += data.length;
      this.totals.dropped += data.length;
      this.flusher.schedule();
      return;
    }
    this.markRefused(session, state);
    const offset = endOf(state);
    state.segments.push({ offset, data });
    state.pendingBytes += data.length;
    this.totals.bytes += data.length;
    for (const listener of this.outputListeners) listener(session, offset, data);
    this.followers.appended(session);
    this.flusher.output(data.length);
  }

  /** `bytes` of output were lost before reaching sessd (null: an unknown amount), for `reason`. */
  gap(session: string, bytes: number | null, reason: GapReason, source?: TapPosition): void {
    if (source !== undefined) this.taps.received(session, source);
    this.totals.dropped += bytes ?? 0;
    this.log.warn({ session, bytes, reason }, 'output lost before it reached sessd');
    this.markGap(session, bytes, reason);
  }

  /** Calls `listener` for each gap marked (to publish it as an event). */
  onGap(listener: (session: string, gap: Gap) => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  /**
   * Input sent through sessd, kept beside the output at the offset where it was
   * typed; resolves once stored, so a reply to the input implies its record, and
   * rejects with storage_error if the store refuses it.
   */
  input(session: string, text: string, via: 'text' | 'keys', submit: boolean): Promise<void> {
    this.mark(session, { kind: 'input', time: new Date().toISOString(), text, via, ...(submit ? { submit } : {}) });
    const stored = this.flusher.whenStored().catch(refused);
    // A caller whose typing failed first leaves this promise unawaited; its refusal is
    // then no news (the record stays pending for the next flush), not a crash.
    stored.catch(() => undefined);
    return stored;
  }

  /**
   * Input sent through sessd whose caller stores the mark in its own commit, with the
   * record it belongs to (`session/send`: the message, one synced commit for both).
   * Shown by reads at once; the caller then calls `inputSettled`.
   */
  inputMark(session: string, text: string, via: 'text' | 'keys', submit: boolean): PendingMark {
    const state = this.states.get(session);
    const pending: PendingMark = {
      key: [session, endOf(state), this.markSeq++],
      mark: { kind: 'input', time: new Date().toISOString(), text, via, ...(submit ? { submit } : {}) },
    };
    state.inputs.push(pending);
    return pending;
  }

  /**
   * The caller's commit of an `inputMark` is over: stored with its record, or not (the
   * typing or the commit failed): then it is written here like any other mark, so the
   * transcript still shows what was typed, or tried.
   */
  inputSettled(pending: PendingMark, stored: boolean): void {
    const state = this.states.peek(pending.key[0]);
    const at = state?.inputs.indexOf(pending) ?? -1;
    // Not there: the transcript was deleted meanwhile, and the mark with it.
    if (state === undefined || at === -1) return;
    state.inputs.splice(at, 1);
    if (stored) return;
    state.marks.push(pending);
    this.flusher.schedule();
  }

  end(session: string): number {
    return endOf(this.states.get(session));
  }

  /** The bytes a read can reach now: from the oldest kept to the end. */
  kept(session: string): ByteRange {
    const state = this.states.get(session);
    return { from: state.start, to: endOf(state) };
  }

  /** The bytes of `range` wherever they are kept (a retained range too), or null when some are not. */
  readKept(session: string, range: ByteRange): Buffer | null {
    return readKept(this.store, session, this.states.get(session), range.from, range.to);
  }

  /** Reads up to `maxBytes` from `from` (moved up to the oldest kept byte), with the marks in that range. */
  read(session: string, from: number | undefined, maxBytes: number): TranscriptRead {
    const state = this.states.get(session);
    const read = readBytes(this.store, session, state, from, maxBytes);
    return { ...read, marks: marksIn(this.store, this.storedInputs, session, state, read.from, read.to) };
  }

  /** The offset of the first output stored at or after `time` (ms since the epoch). */
  offsetAt(session: string, time: number): number {
    return offsetAt(this.store, session, this.states.get(session), time);
  }

  /** The bytes of a range, without its marks. */
  readBytes(session: string, from: number | undefined, maxBytes: number): Omit<TranscriptRead, 'marks'> {
    return readBytes(this.store, session, this.states.get(session), from, maxBytes);
  }

  onOutput(listener: (session: string, offset: number, data: Uint8Array) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Streams a session's output from `from` (default: the end) to a connection, then live. */
  follow(conn: ClientConnection, session: string, from: number | undefined): string {
    const state = this.states.get(session);
    const end = endOf(state);
    return this.followers.add(conn, session, Math.min(Math.max(from ?? end, state.start), end));
  }

  unfollow(conn: ClientConnection, id: string): boolean {
    return this.followers.remove(conn, id);
  }

  /** Removes a session's transcript; rejects with storage_error if the store refuses. */
  async delete(session: string): Promise<void> {
    await this.flusher.idle();
    this.states.forget(session);
    this.taps.forget(session);
    this.followers.forget(session);
    await this.store.removeSession(session).catch(refused);
  }

  /** Writes everything pending (at shutdown). */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  dispose(): void {
    this.flusher.dispose();
    this.followers.clear();
    this.outputListeners.clear();
    this.gapListeners.clear();
  }

  private mark(session: string, mark: Mark): void {
    const state = this.states.get(session);
    state.marks.push({ key: [session, endOf(state), this.markSeq++], mark });
    this.flusher.schedule();
  }

  private markRefused(session: string, state: TranscriptState): void {
    if (state.refused === 0) return;
    const bytes = state.refused;
    state.refused = 0;
    this.log.warn({ session, bytes }, 'transcript fell behind; output dropped');
    this.markGap(session, bytes, 'behind');
  }

  private markGap(session: string, bytes: number | null, reason: GapReason): void {
    const at = endOf(this.states.get(session));
    this.mark(session, { kind: 'gap', time: new Date().toISOString(), bytes, reason });
    for (const listener of this.gapListeners) listener(session, { at, bytes, reason });
  }
}

/** A write the store refused, as the storage_error of the request that waited on it (as the Committer does). */
function refused(error: unknown): never {
  throw error instanceof StorageError ? errors.storage(error.message) : error;
}
