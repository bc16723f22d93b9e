/** Tap streams whose positions are remembered per session (a tap per program run). */
const TAPS_KEPT = 8;

/** Where output came from: a tap's stream, and its offset just past the frame. */
export interface TapPosition {
  tap: string;
  offset: number;
}

/** Where a tap stream resumes, and whether the tap no longer holds part of what was not stored. */
export interface TapResume {
  offset: number;
  lost: boolean;
}

type StoredListener = (session: string, tap: string, offset: number) => void;

interface Streams {
  /** How far each stream has been received, in memory, until that is stored. */
  received: Map<string, number>;
  /** How far each stream is stored; the stream heard from least recently first. */
  stored: Map<string, number>;
}

/**
 * The tap ledger: per session, how far each tap stream (sessd-tap's TAPID) has been
 * received and how far it is stored. A tap resumes after what was received, so
 * nothing is appended twice, and is acknowledged what is stored, so it can let go of
 * it. Stored positions are kept in the transcript's meta, written in the same
 * transaction as the output they came with; `load` reads them back.
 */
export class TapLedger {
  private readonly sessions = new Map<string, Streams>();
  private readonly storedListeners = new Set<StoredListener>();

  constructor(private readonly load: (session: string) => Record<string, number> | undefined) {}

  /**
   * Where a tap stream should resume: what has been received from it (stored or
   * not), within what the tap still holds (`base` to `end`). A stream not seen before
   * starts at `base`; one known only up to before `base` lost the difference.
   */
  resume(session: string, tap: string, base: number, end: number): TapResume {
    const { received, stored } = this.streams(session);
    const known = received.get(tap) ?? stored.get(tap);
    return { offset: Math.min(Math.max(known ?? base, base), end), lost: known !== undefined && known < base };
  }

  /** Output (or a gap) of a stream, up to `position`, reached the transcript. */
  received(session: string, position: TapPosition): void {
    this.streams(session).received.set(position.tap, position.offset);
  }

  /** Whether positions were received for `session` that are not stored yet. */
  hasUnstored(session: string): boolean {
    return (this.sessions.get(session)?.received.size ?? 0) > 0;
  }

  /**
   * The positions to store with the session's output now: those received so far,
   * over those stored; the streams heard from most recently come last, and beyond
   * TAPS_KEPT the oldest are forgotten.
   */
  toStore(session: string): Map<string, number> {
    const { received, stored } = this.streams(session);
    const taps = new Map([...stored].filter(([tap]) => !received.has(tap)));
    for (const [tap, offset] of received) taps.set(tap, offset);
    for (const tap of [...taps.keys()].slice(0, Math.max(0, taps.size - TAPS_KEPT))) taps.delete(tap);
    return taps;
  }

  /** `taps`, from `toStore`, were committed: each stream that moved is acknowledged. */
  stored(session: string, taps: ReadonlyMap<string, number>): void {
    const { received, stored } = this.streams(session);
    for (const [tap, offset] of taps) {
      if (received.get(tap) === offset) received.delete(tap);
      const before = stored.get(tap);
      stored.delete(tap); // re-inserted last: the most recent are kept
      stored.set(tap, Math.max(before ?? 0, offset));
      if (before !== offset) for (const listener of this.storedListeners) listener(session, tap, offset);
    }
    for (const tap of [...stored.keys()]) if (!taps.has(tap)) stored.delete(tap);
  }

  /** Calls `listener` when a tap's output up to `offset` is stored. */
  onStored(listener: StoredListener): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  /** The session's transcript is gone, and with it what its taps sent. */
  forget(session: string): void {
    this.sessions.delete(session);
  }

  private streams(session: string): Streams {
    let streams = this.sessions.get(session);
    if (streams === undefined) {
      streams = { received: new Map(), stored: new Map(Object.entries(this.load(session) ?? {})) };
      this.sessions.set(session, streams);
    }
    return streams;
  }
}
