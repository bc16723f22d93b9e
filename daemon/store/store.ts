import { mkdir } from 'node:fs/promises';
import { open, type Database, type Key, type RootDatabase } from 'lmdb';
import { latestBackup } from './backup.js';
import { StoreDamaged, storeProblem } from './check.js';
import type { Interaction, Message, SessdEvent, Session } from '../../shared/protocol/model.js';
import type { TranscriptMark } from '../../shared/protocol/session-io.js';
import type { AuditEntry } from '../../shared/protocol/policy.js';
import { migrateFrom1, type MigrationTargets } from './migrate.js';
import { SessionRecords } from './records.js';

/**
 * The durable state, one LMDB environment at `<stateDir>/store`. Only the daemon
 * opens it. Layout, schema version 2:
 *
 * | database              | key                            | value       |
 * |-----------------------|--------------------------------|-------------|
 * | (root)                | `schemaVersion`                | number      |
 * | `sessions`            | session id                     | Session     |
 * | `events`              | seq (number)                   | SessdEvent  |
 * | `sessionEvents`       | `[session id, seq]`            | true (a session's events, to purge them with it) |
 * | `checkpoints`         | `[session id, seq]`            | Checkpoint with its scrollback: a transcript range, or text (older ones, sessions not captured); validated when read |
 * | `messages`            | `[session id, message id]`     | Message     |
 * | `messageSessions`     | message id                     | session id  |
 * | `interactions`        | `[session id, interaction id]` | Interaction |
 * | `interactionSessions` | interaction id                 | session id  |
 * | `templates`           | template name                  | Template (`TemplateService`) |
 * | `inputMarks`          | `[session id, offset, n]`      | InputMark: a `session/send`'s input mark, written with its message |
 * | `audit`               | `[session id, entry id]`       | AuditEntry (a decision on an approval) |
 * | `auditSessions`       | entry id                       | session id  |
 *
 * What a session owns is keyed by its id first, so a session's records are one key
 * range: listing them reads only that range, and deleting the session removes them
 * by range (`removeSessionSync`). `messageSessions` and `interactionSessions` find
 * a record by its id alone (`message/get`, `interaction/respond`); an entry is
 * written and removed in the same transaction as its record (`SessionRecords`).
 * Sessions are found by space/name in memory (`SessionRegistry`, loaded from
 * `sessions`), so no names database is kept.
 *
 * Deleting a session also purges the payloads of its events: they keep their seq,
 * time, type and session id (a client resuming from a seq sees no gap), and their
 * `data` becomes `{purged: true}`; a session's environment, context and message
 * texts are not served from the log after the session is gone.
 *
 * `audit` came after version 2 without changing it: it only adds databases, which a
 * sessd without them never opens.
 *
 * Version 1 keyed messages and interactions by their id alone and had a `names`
 * database (`[space, name]` → session id) that was written but never read;
 * `Store.open` migrates such a store (`migrate.ts`).
 *
 * `inputMarks` holds the mark a `session/send` leaves in its transcript (at the offset
 * where the text was typed), so that a send is one synced commit: its message, its
 * event and its mark. The transcript reader shows these beside the transcripts' own
 * marks (`daemon/transcripts/reader.ts`); they go with the session.
 *
 * Durability (README "Durability"): `overlappingSync` is off, so LMDB syncs inside
 * each commit and a write promise resolves only once its transaction is on disk
 * (`fdatasync` of the data file, then the meta page written through an `O_DSYNC` descriptor). A reply that acknowledges a
 * write is therefore sent after the data is durable. Group commit: lmdb-js runs every
 * `transaction()` queued while its write thread is busy committing and syncing in the
 * next batch, one LMDB transaction and one sync for all of them; the write thread is
 * the leader that flushes for everyone waiting. `syncedCommits()` counts them.
 */
export const SCHEMA_VERSION = 2;
export const SCHEMA_KEY = 'schemaVersion';

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

/** A `session/send`'s input mark as stored in `inputMarks` (the transcript's Mark). */
export type InputMark = Omit<TranscriptMark, 'at'>;

export class Store {
  private constructor(
    readonly root: RootDatabase,
    readonly sessions: Database<Session, string>,
    readonly events: Database<SessdEvent, number>,
    private readonly sessionEvents: Database<true, [string, number]>,
    readonly messages: SessionRecords<Message>,
    /** Values are `unknown` until validated: a damaged record must not pass as a checkpoint. */
    readonly checkpoints: Database<unknown, [string, number]>,
    readonly interactions: SessionRecords<Interaction>,
    readonly inputMarks: Database<InputMark, [string, number, number]>,
    /** Decisions on approvals, by session (the audit list). */
    readonly audit: SessionRecords<AuditEntry>,
  ) {}

  static async open(dir: string): Promise<Store> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const problem = await storeProblem(dir);
    if (problem !== null) throw new StoreDamaged(dir, problem, await latestBackup(dir));
    // trackMetrics (known to lmdb-js, not to its types): LMDB counts its transactions, for `syncedCommits`.
    const options = { path: dir, overlappingSync: false, maxDbs: 16, compression: false, trackMetrics: true };
    const root = open(options);
    const rawMessages = root.openDB<Message, [string, string]>({ name: 'messages' });
    const rawInteractions = root.openDB<Interaction, [string, string]>({ name: 'interactions' });
    const store = new Store(
      root,
      root.openDB<Session, string>({ name: 'sessions' }),
      root.openDB<SessdEvent, number>({ name: 'events' }),
      root.openDB<true, [string, number]>({ name: 'sessionEvents' }),
      new SessionRecords(rawMessages, root.openDB<string, string>({ name: 'messageSessions' })),
      root.openDB<unknown, [string, number]>({ name: 'checkpoints' }),
      new SessionRecords(rawInteractions, root.openDB<string, string>({ name: 'interactionSessions' })),
      root.openDB<InputMark, [string, number, number]>({ name: 'inputMarks' }),
      new SessionRecords(root.openDB<AuditEntry, [string, string]>({ name: 'audit' }), root.openDB<string, string>({ name: 'auditSessions' })),
    );
    const version = root.get(SCHEMA_KEY) as number | undefined;
    if (version === undefined) {
      await store.write(() => root.putSync(SCHEMA_KEY, SCHEMA_VERSION));
    } else if (version > SCHEMA_VERSION) {
      await root.close();
      throw new Error(
        `the store at ${dir} has schema ${version}, newer than this sessd reads (${SCHEMA_VERSION}): upgrade sessd`,
      );
    } else if (version === 1) {
      const targets: MigrationTargets = {
        messages: store.messages,
        interactions: store.interactions,
        rawMessages,
        rawInteractions,
        names: root.openDB<unknown, Key>({ name: 'names' }),
        indexEvents: () => {
          for (const { value } of store.events.getRange()) store.indexEventSync(value);
        },
      };
      try {
        // Synchronous, unlike `write`: an error thrown part way aborts the transaction
        // (an asynchronous one would commit what was done). Nothing else runs yet.
        root.transactionSync(() => {
          migrateFrom1(targets);
          root.putSync(SCHEMA_KEY, SCHEMA_VERSION);
        });
      } catch (error) {
        await root.close();
        throw new StorageError(`cannot migrate the store at ${dir} from schema 1: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return store;
  }

  /**
   * Removes a session and everything it owns (checkpoints, messages, interactions, its audit list),
   * each by its key range: nothing else is read. Only inside `write`.
   */
  removeSessionSync(sessionId: string): void {
    this.sessions.removeSync(sessionId);
    for (const key of [...this.checkpoints.getKeys({ start: [sessionId, 0], end: [sessionId, Number.MAX_SAFE_INTEGER] })]) {
      this.checkpoints.removeSync(key);
    }
    this.messages.removeSessionSync(sessionId);
    this.interactions.removeSessionSync(sessionId);
    for (const key of [...this.inputMarks.getKeys({ start: [sessionId, 0, 0], end: [sessionId, Number.MAX_SAFE_INTEGER, 0] })]) {
      this.inputMarks.removeSync(key);
    }
    this.audit.removeSessionSync(sessionId);
    for (const key of [...this.sessionEvents.getKeys({ start: [sessionId, 0], end: [sessionId, Number.MAX_SAFE_INTEGER] })]) {
      const event = this.events.get(key[1]);
      if (event !== undefined) this.events.putSync(key[1], { ...event, data: { purged: true } });
      this.sessionEvents.removeSync(key);
    }
  }

  /** Stores an event, indexed under its session. Only inside `write`. */
  putEventSync(event: SessdEvent): void {
    this.events.putSync(event.seq, event);
    this.indexEventSync(event);
  }

  /** Removes the events before `seq` (retention), with their index entries. Only inside `write`. */
  removeEventsBeforeSync(seq: number): void {
    for (const { key, value } of [...this.events.getRange({ end: seq })]) {
      this.events.removeSync(key);
      if (value.sessionId !== null) this.sessionEvents.removeSync([value.sessionId, key]);
    }
  }

  private indexEventSync(event: SessdEvent): void {
    if (event.sessionId !== null) this.sessionEvents.putSync([event.sessionId, event.seq], true);
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

  /**
   * How many write transactions LMDB has committed since the store was opened: with
   * `overlappingSync` off each is one synced commit (one `fdatasync` of the data file,
   * the meta page written `O_DSYNC`), however many `write` calls it carried.
   */
  syncedCommits(): number {
    return (this.root.getStats() as { txns?: number }).txns ?? 0;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
