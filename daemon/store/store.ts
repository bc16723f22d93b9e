import { mkdir } from 'node:fs/promises';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Interaction, Message, SessdEvent, Session } from '../../shared/protocol/model.js';

/**
 * The durable state, one LMDB environment at `<stateDir>/store`. Only the daemon
 * opens it. Layout, schema version 1:
 *
 * | database   | key               | value       |
 * |------------|-------------------|-------------|
 * | (root)     | `schemaVersion`   | number      |
 * | `sessions` | session id        | Session     |
 * | `names`    | `[space, name]`   | session id  |
 * | `events`   | seq (number)      | SessdEvent  |
 * | `messages` | message id        | Message     |
 * | `checkpoints` | `[session id, seq]` | Checkpoint, scrollback included (validated when read) |
 * | `interactions` | interaction id | Interaction |
 *
 * Durability: `overlappingSync` is off, so LMDB syncs inside each commit and a write
 * promise resolves only once its transaction is on disk. A reply that acknowledges a
 * write is therefore sent after the data is durable.
 */
export const SCHEMA_VERSION = 1;
const SCHEMA_KEY = 'schemaVersion';

/** The store refused a write (disk full, map full, I/O error); nothing of it was applied. */
export class StorageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StorageError';
  }
}

/** How long to wait for lmdb-js to settle `commitError` once a commit was refused. */
const COMMIT_ERROR_WAIT_MS = 100;

/**
 * lmdb-js rejects a refused commit with a generic error whose `commitError` is a
 * second promise, rejected with the cause (ENOSPC, MDB_MAP_FULL). That promise must
 * be handled here, or it surfaces as an unhandled rejection; it also has the reason.
 */
export async function failureReason(error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const commitError = (error as { commitError?: Promise<unknown> } | null)?.commitError;
  if (commitError === undefined) return message;
  let timer: NodeJS.Timeout | undefined;
  const reason = await Promise.race([
    commitError.then(
      () => message,
      (cause: unknown) => (cause instanceof Error ? cause.message : String(cause)),
    ),
    new Promise<string>((resolve) => (timer = setTimeout(resolve, COMMIT_ERROR_WAIT_MS, message))),
  ]);
  clearTimeout(timer);
  return reason;
}

/**
 * True for the extra rejection lmdb-js leaves unobserved when a commit fails (an
 * internal promise rejected with the same "Commit failed" error). Every sessd write
 * goes through `Store.write` or `TranscriptStore.write`, which already reported that
 * failure to its caller as a storage error, so this duplicate can be ignored; its
 * `commitError` is consumed so that it does not surface in turn.
 */
export function isDuplicateCommitFailure(reason: unknown): boolean {
  const commitError = (reason as { commitError?: unknown } | null)?.commitError;
  if (!(reason instanceof Error) || !(commitError instanceof Promise)) return false;
  commitError.catch(() => undefined);
  return true;
}

export class Store {
  private constructor(
    readonly root: RootDatabase,
    readonly sessions: Database<Session, string>,
    readonly names: Database<string, [string, string]>,
    readonly events: Database<SessdEvent, number>,
    readonly messages: Database<Message, string>,
    /** Values are `unknown` until validated: a damaged record must not pass as a checkpoint. */
    readonly checkpoints: Database<unknown, [string, number]>,
    readonly interactions: Database<Interaction, string>,
  ) {}

  static async open(dir: string): Promise<Store> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const root = open({ path: dir, overlappingSync: false, maxDbs: 16, compression: false });
    const store = new Store(
      root,
      root.openDB<Session, string>({ name: 'sessions' }),
      root.openDB<string, [string, string]>({ name: 'names' }),
      root.openDB<SessdEvent, number>({ name: 'events' }),
      root.openDB<Message, string>({ name: 'messages' }),
      root.openDB<unknown, [string, number]>({ name: 'checkpoints' }),
      root.openDB<Interaction, string>({ name: 'interactions' }),
    );
    const version = root.get(SCHEMA_KEY) as number | undefined;
    if (version === undefined) {
      await store.write(() => root.putSync(SCHEMA_KEY, SCHEMA_VERSION));
    } else if (version > SCHEMA_VERSION) {
      await root.close();
      throw new Error(
        `the store at ${dir} has schema ${version}, newer than this sessd reads (${SCHEMA_VERSION}): upgrade sessd`,
      );
    }
    return store;
  }

  /**
   * Runs `fn` in one write transaction and resolves once it is committed and synced.
   * `fn` must only call `put`/`remove`: it runs inside LMDB's batch.
   */
  async write<T>(fn: () => T): Promise<T> {
    try {
      return await this.root.transaction(fn);
    } catch (error) {
      throw new StorageError(await failureReason(error));
    }
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
