import type { Database } from 'lmdb';

/** What a record a session owns carries: its own id and its session's. */
export interface OwnedRecord {
  id: string;
  sessionId: string;
}

/** Key bounds of one session's records. Record ids are lowercase ASCII (`newId`), so all sort below U+FFFF. */
function range(sessionId: string): { start: [string]; end: [string, string] } {
  return { start: [sessionId], end: [sessionId, '\uffff'] };
}

/**
 * Records a session owns (messages, interactions), keyed `[session id, record id]`
 * so that a session's records are one key range, plus an index record id → session
 * id for requests that name a record by its id alone (`message/get`,
 * `interaction/respond`). The two are written and removed together, in the caller's
 * transaction (`*Sync` methods run only inside `Store.write`).
 */
export class SessionRecords<T extends OwnedRecord> {
  constructor(
    private readonly db: Database<T, [string, string]>,
    /** Record id → session id. */
    private readonly owners: Database<string, string>,
  ) {}

  /** The record with this id, whichever session owns it. */
  get(id: string): T | undefined {
    const sessionId = this.owners.get(id);
    return sessionId === undefined ? undefined : this.db.get([sessionId, id]);
  }

  /** The record `id` of session `sessionId`. */
  at(sessionId: string, id: string): T | undefined {
    return this.db.get([sessionId, id]);
  }

  /** One session's records, in key (id) order. */
  of(sessionId: string): T[] {
    return Array.from(this.db.getRange(range(sessionId)), ({ value }) => value);
  }

  /** Every session's records (an explicit list-all, or loading at start). */
  all(): T[] {
    return Array.from(this.db.getRange(), ({ value }) => value);
  }

  putSync(record: T): void {
    this.db.putSync([record.sessionId, record.id], record);
    this.owners.putSync(record.id, record.sessionId);
  }

  /** Removes every record of the session: its key range, and their index entries. */
  removeSessionSync(sessionId: string): void {
    // Read whole before removing: a range is not walked while it changes.
    for (const key of [...this.db.getKeys(range(sessionId))]) {
      this.db.removeSync(key);
      this.owners.removeSync(key[1]);
    }
  }
}
