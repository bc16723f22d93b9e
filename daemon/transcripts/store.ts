import { mkdir } from 'node:fs/promises';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { TranscriptMark } from '../../shared/protocol/session-io.js';
import { failureReason, StorageError } from '../store/store.js';

/**
 * Transcripts, in their own LMDB environment at `<stateDir>/transcripts`: bulk output
 * that should not share a write lock with the durable session store. Commits here
 * are synced in the background (overlappingSync): a daemon killed at any point loses
 * nothing (committed pages are the kernel's; taps resend what was not committed),
 * a machine crash can lose the last moments of output, never a session or a
 * checkpoint. Every write goes through `write()`. Layout:
 *
 * | database | key                        | value                                    |
 * |----------|----------------------------|------------------------------------------|
 * | `chunks` | `[session, offset]`        | `{t: ms written, d: bytes}`              |
 * | `meta`   | session                    | `{start, end, taps}`: kept bytes, tap positions |
 * | `marks`  | `[session, offset, n]`     | `{kind: 'input'|'gap', time, text?, bytes?}` |
 *
 * Chunks below a session's `start` are those of ranges that checkpoints keep
 * (`RetainedRanges`, retention.ts): read only through `readKept`, dropped once no
 * checkpoint refers to them.
 */
/**
 * How long closing waits for lmdb-js to settle its writes. After commits refused on a
 * full disk, its last background flush may never settle, and closing would wait for
 * it forever: sessd must still stop. What was committed is the kernel's already.
 */
const CLOSE_TIMEOUT_MS = 3_000;

/** Output is stored in chunks of at most this many bytes. */
export const CHUNK_BYTES = 64 * 1024;

export interface Chunk {
  t: number;
  d: Uint8Array;
}

export interface TranscriptMeta {
  start: number;
  end: number;
  /** Per tap stream (sessd-tap's TAPID): the stream offset stored up to, so a tap resumes there. */
  taps?: Record<string, number>;
}

/** An input or gap mark as stored: the protocol's TranscriptMark, keyed by its offset instead of holding it. */
export type Mark = Omit<TranscriptMark, 'at'>;

export class TranscriptStore {
  private constructor(
    readonly root: RootDatabase,
    readonly chunks: Database<Chunk, [string, number]>,
    readonly meta: Database<TranscriptMeta, string>,
    readonly marks: Database<Mark, [string, number, number]>,
  ) {}

  static async open(dir: string): Promise<TranscriptStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const root = open({ path: dir, maxDbs: 8, compression: false, overlappingSync: true });
    return new TranscriptStore(
      root,
      root.openDB<Chunk, [string, number]>({ name: 'chunks' }),
      root.openDB<TranscriptMeta, string>({ name: 'meta' }),
      root.openDB<Mark, [string, number, number]>({ name: 'marks' }),
    );
  }

  /**
   * Runs `fn` in one write transaction and resolves once it is committed (synced in
   * the background, see above). `fn` must only call `putSync`/`removeSync` and read.
   * Any failure (disk full, map full, I/O error, a closed store) rejects with a
   * StorageError with the cause, and nothing of `fn` is applied. As in `Store.write`,
   * the cause lmdb-js holds in `commitError` is read (so handled) here, and the
   * duplicate rejection it leaves is ignored by `isDuplicateCommitFailure`.
   */
  async write<T>(fn: () => T): Promise<T> {
    try {
      return await this.root.transaction(fn);
    } catch (error) {
      throw new StorageError(await failureReason(error));
    }
  }

  /** Removes everything kept of `session`. */
  removeSession(session: string): Promise<void> {
    return this.write(() => {
      for (const key of this.chunks.getKeys({ start: [session, 0], end: [session, Number.MAX_SAFE_INTEGER] })) this.chunks.removeSync(key);
      for (const key of this.marks.getKeys({ start: [session, 0, 0], end: [session, Number.MAX_SAFE_INTEGER, 0] })) this.marks.removeSync(key);
      this.meta.removeSync(session);
    });
  }

  /** Closes the environment; false when lmdb-js did not settle within CLOSE_TIMEOUT_MS (then it is left to the process's exit). */
  async close(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS)));
    const closed = await Promise.race([this.root.close().then(() => true), late]);
    clearTimeout(timer);
    return closed;
  }
}
