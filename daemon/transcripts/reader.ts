import type { Database } from 'lmdb';
import { endOf, type TranscriptState } from './state.js';
import type { Mark, TranscriptStore } from './store.js';

export interface TranscriptRead {
  bytes: Buffer;
  from: number;
  to: number;
  end: number;
  marks: (Mark & { at: number })[];
}

/**
 * The bytes of a session's transcript from `from` (moved up to the oldest kept byte),
 * at most `maxBytes`: the stored part from the store, the rest from what is pending.
 */
export function readBytes(
  store: TranscriptStore,
  session: string,
  state: TranscriptState,
  from: number | undefined,
  maxBytes: number,
): Omit<TranscriptRead, 'marks'> {
  const end = endOf(state);
  const start = Math.min(Math.max(from ?? state.start, state.start), end);
  const stop = Math.min(end, start + maxBytes);
  const parts: Uint8Array[] = [];
  let at = start;
  if (at < state.committed) {
    const [first] = [...store.chunks.getKeys({ start: [session, at], end: [session, -1], reverse: true, limit: 1 })];
    const begin = first?.[1] ?? at;
    for (const { key, value } of store.chunks.getRange({ start: [session, begin], end: [session, state.committed] })) {
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

/**
 * The bytes `[from, to)` of a session's transcript wherever they are kept, below its
 * retention start too (a range a checkpoint keeps, see RetainedRanges), or null when
 * any of them is not kept (pruned before it was retained, or the store lost it).
 */
export function readKept(store: TranscriptStore, session: string, state: TranscriptState, from: number, to: number): Buffer | null {
  if (from < 0 || to < from || to > endOf(state)) return null;
  const parts: Uint8Array[] = [];
  let at = from;
  if (at < Math.min(to, state.committed)) {
    const [first] = [...store.chunks.getKeys({ start: [session, at], end: [session, -1], reverse: true, limit: 1 })];
    for (const { key, value } of store.chunks.getRange({ start: [session, first?.[1] ?? at], end: [session, Math.min(to, state.committed)] })) {
      if (key[1] > at) return null; // a hole: dropped before anything kept it
      if (key[1] + value.d.length <= at) continue;
      const slice = value.d.subarray(at - key[1], Math.min(value.d.length, to - key[1]));
      parts.push(slice);
      at += slice.length;
    }
  }
  for (const segment of state.segments) {
    if (at >= to) break;
    if (segment.offset + segment.data.length <= at) continue;
    if (segment.offset > at) return null;
    const slice = segment.data.subarray(at - segment.offset, Math.min(segment.data.length, to - segment.offset));
    parts.push(slice);
    at += slice.length;
  }
  return at === to ? Buffer.concat(parts) : null;
}

/** Marks kept elsewhere than the transcripts' store: `session/send`'s input marks, stored with their message. */
export type MarkSource = Pick<Database<Mark, [string, number, number]>, 'getRange'>;

/**
 * The marks of a session between offsets `from` and `to` (both included), in offset
 * order: stored (in the transcripts' store and in `inputs`) and pending.
 */
export function marksIn(
  store: TranscriptStore,
  inputs: MarkSource | undefined,
  session: string,
  state: TranscriptState,
  from: number,
  to: number,
): (Mark & { at: number })[] {
  const range = { start: [session, from, 0] as [string, number, number], end: [session, to, Number.MAX_SAFE_INTEGER] as [string, number, number] };
  const stored = [...store.marks.getRange(range), ...(inputs?.getRange(range) ?? [])];
  // A commit that just landed has not yet taken its marks off the pending lists.
  const seen = new Set(stored.map(({ key }) => key[2]));
  const pending = [...state.marks, ...state.inputs]
    .filter((m) => m.key[1] >= from && m.key[1] <= to && !seen.has(m.key[2]))
    .map((m) => ({ key: m.key, value: m.mark }));
  return [...stored, ...pending]
    .sort((a, b) => a.key[1] - b.key[1] || a.key[2] - b.key[2])
    .map(({ key, value }) => ({ at: key[1], ...value }));
}

/**
 * The offset of the first output stored at or after `time` (ms since the epoch), by a
 * binary search over the chunks' write times (which grow with the offset): the
 * end of what is stored when nothing that recent is (the transcript's end for a time
 * still to come), its oldest kept byte when all of it is. A chunk's time is when it was written, at most a flush interval after the
 * program printed it.
 */
export function offsetAt(store: TranscriptStore, session: string, state: TranscriptState, time: number): number {
  const keys = [...store.chunks.getKeys({ start: [session, state.start], end: [session, state.committed] })];
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const chunk = store.chunks.get(keys[mid]!);
    if (chunk !== undefined && chunk.t < time) low = mid + 1;
    else high = mid;
  }
  // Output not yet stored came in before now: a later time has none of it.
  if (low === keys.length) return time > Date.now() ? endOf(state) : state.committed;
  return Math.max(keys[low]![1], state.start);
}
