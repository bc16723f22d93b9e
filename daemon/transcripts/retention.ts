import type { Database } from 'lmdb';
import { CHUNK_BYTES, type Chunk } from './store.js';

/** A range of a transcript's byte offsets, `to` excluded. */
export interface ByteRange {
  from: number;
  to: number;
}

/**
 * The ranges of a session's transcript that retention must keep (a checkpoint's
 * scrollback): their chunks stay when the bytes around them are dropped by age or
 * size, below the transcript's `start`, until the source no longer names them.
 */
export type RetainedRanges = (session: string) => readonly ByteRange[];

/**
 * The keys of a session's chunks that end at or below `below` and overlap no range of
 * `keep`. From keys alone: a chunk ends at most where the next one begins (or
 * CHUNK_BYTES on, or at `end` for the last), so a chunk next to a hole may be kept
 * longer than it must, never dropped while it is kept.
 */
export function droppable(
  chunks: Pick<Database<Chunk, [string, number]>, 'getKeys'>,
  session: string,
  below: number,
  end: number,
  keep: readonly ByteRange[],
): [string, number][] {
  const out: [string, number][] = [];
  const consider = (key: [string, number], to: number): void => {
    if (to <= below && !keep.some((r) => r.from < to && r.to > key[1])) out.push(key);
  };
  let previous: [string, number] | undefined;
  for (const key of chunks.getKeys({ start: [session, 0], end: [session, Number.MAX_SAFE_INTEGER] })) {
    if (previous !== undefined) consider(previous, key[1]);
    previous = key[1] < below ? key : undefined;
    if (previous === undefined) break;
  }
  if (previous !== undefined) consider(previous, Math.min(previous[1] + CHUNK_BYTES, Math.max(end, previous[1] + 1)));
  return out;
}


/**
 * Whether `session` has chunks below its `start` that no range `retained` names keeps
 * (their checkpoint was dropped, or deleted with the session's others): then they are
 * swept. Keys only: no chunk is read.
 */
export function strayBelow(
  chunks: Pick<Database<Chunk, [string, number]>, 'getKeys'>,
  session: string,
  start: number,
  end: number,
  retained: () => readonly ByteRange[],
): boolean {
  const [first] = chunks.getKeys({ start: [session, 0], end: [session, start], limit: 1 });
  if (first === undefined) return false; // the common case, asked of every transcript: one key read
  // The chunk that straddles `start` is kept by retention itself.
  return droppable(chunks, session, start, end, [...retained(), { from: start, to: Number.MAX_SAFE_INTEGER }]).length > 0;
}
