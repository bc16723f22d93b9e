import type { Database } from 'lmdb';
import type { ByteRange } from '../transcripts/retention.js';

/**
 * The transcript ranges that sessions' checkpoints keep (their scrollback), for the
 * transcripts' retention (`TranscriptService.retain`). The stored checkpoints are the
 * truth: each call lists the session's checkpoint keys (keys only, cheap) and reads
 * only the records it has not seen, so a checkpoint removed by any path (the
 * generation bound, the session's deletion, gc) stops keeping its range at the next
 * retention pass. A checkpoint being written keeps its range from before its commit
 * (`hold`), so no flush drops it in between.
 */
export class CheckpointRanges {
  /** Per session: checkpoint seq → its range (null: it has none, its scrollback is text). */
  private readonly seen = new Map<string, Map<number, ByteRange | null>>();
  private readonly held = new Map<string, Set<ByteRange>>();

  constructor(private readonly stored: Database<unknown, [string, number]>) {}

  /** The ranges `session`'s checkpoints keep. */
  of(session: string): ByteRange[] {
    const seqs = new Set<number>();
    for (const key of this.stored.getKeys({ start: [session, 0], end: [session, Number.MAX_SAFE_INTEGER] })) seqs.add(key[1]);
    let known = this.seen.get(session);
    if (seqs.size === 0) this.seen.delete(session);
    else {
      if (known === undefined) this.seen.set(session, (known = new Map<number, ByteRange | null>()));
      for (const seq of known.keys()) if (!seqs.has(seq)) known.delete(seq);
      for (const seq of seqs) if (!known.has(seq)) known.set(seq, rangeOf(this.stored.get([session, seq])));
    }
    const ranges: ByteRange[] = [...(this.held.get(session) ?? [])];
    for (const range of known?.values() ?? []) if (range !== null && seqs.size > 0) ranges.push(range);
    return ranges;
  }

  /** Keeps `range` of `session` until the returned release is called (once its checkpoint is committed, or was refused). */
  hold(session: string, range: ByteRange): () => void {
    let held = this.held.get(session);
    if (held === undefined) this.held.set(session, (held = new Set()));
    held.add(range);
    return () => {
      held.delete(range);
      if (held.size === 0 && this.held.get(session) === held) this.held.delete(session);
    };
  }
}

/**
 * A stored checkpoint's range, read without validating the rest: a damaged record
 * that still names a range keeps it (keeping too much is safe, dropping is not).
 */
function rangeOf(value: unknown): ByteRange | null {
  const range = (value as { transcriptRange?: unknown } | null | undefined)?.transcriptRange as Partial<ByteRange> | undefined;
  if (typeof range?.from !== 'number' || typeof range.to !== 'number') return null;
  return { from: range.from, to: range.to };
}
