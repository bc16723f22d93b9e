import type { Mark, TranscriptStore } from './store.js';

export interface TranscriptLimits {
  /** Bytes kept per session; older output is dropped. */
  maxBytes: number;
  /** How long output is kept. */
  maxAgeMs: number;
  /** Bytes kept by all transcripts together; beyond it the largest are cut (Flusher's capTotal). */
  totalBytes: number;
  /** Output waiting to be written per session; beyond it new output is dropped (a gap). */
  pendingBytes: number;
}

export interface Segment {
  offset: number;
  data: Uint8Array;
}

/** A mark waiting to be written, with its key in the `marks` database. */
export interface PendingMark {
  key: [string, number, number];
  mark: Mark;
}

/** A session's transcript as the daemon holds it: what is stored, and what waits to be. */
export interface TranscriptState {
  /** Offset of the oldest kept byte. */
  start: number;
  /** End of what is committed to the store. */
  committed: number;
  /** Output not yet committed, in order, from `committed` on. */
  segments: Segment[];
  pendingBytes: number;
  marks: PendingMark[];
  /** Input marks whose caller stores them in its own commit (`session/send`): shown until stored there. */
  inputs: PendingMark[];
  /** Bytes refused because too much waited to be written. */
  refused: number;
}

/** The transcript's current end: stored and pending output. */
export function endOf(state: TranscriptState): number {
  return state.committed + state.pendingBytes;
}

/**
 * Each session's TranscriptState, read from the store's meta: all of them at start,
 * so that retention reaches idle and ended sessions' transcripts too.
 */
export class TranscriptStates {
  private readonly byId = new Map<string, TranscriptState>();

  constructor(private readonly store: TranscriptStore) {
    for (const { key } of store.meta.getRange()) this.get(key);
  }

  get(session: string): TranscriptState {
    let state = this.byId.get(session);
    if (state === undefined) {
      const meta = this.store.meta.get(session);
      state = {
        start: meta?.start ?? 0,
        committed: meta?.end ?? 0,
        segments: [],
        pendingBytes: 0,
        marks: [],
        inputs: [],
        refused: 0,
      };
      this.byId.set(session, state);
    }
    return state;
  }

  /** The state if the session has one, without making one. */
  peek(session: string): TranscriptState | undefined {
    return this.byId.get(session);
  }

  forget(session: string): void {
    this.byId.delete(session);
  }

  entries(): IterableIterator<[string, TranscriptState]> {
    return this.byId.entries();
  }
}
