import type { Database, Key } from 'lmdb';
import type { Interaction, Message } from '../../shared/protocol/model.js';
import type { OwnedRecord, SessionRecords } from './records.js';

/** The databases a migration rewrites, opened by the store before its transaction. */
export interface MigrationTargets {
  messages: SessionRecords<Message>;
  interactions: SessionRecords<Interaction>;
  /** The raw databases behind them: version 1 keyed them by record id alone. */
  rawMessages: Database<unknown, Key>;
  rawInteractions: Database<unknown, Key>;
  /** Version 1's `[space, name]` → session id, written but never read: dropped. */
  names: Database<unknown, Key>;
  /** Indexes every stored event under its session (version 2's `sessionEvents`). */
  indexEvents: () => void;
}

/**
 * Version 1 → 2: messages and interactions move from `id` to `[session id, id]`,
 * each indexed by id, events are indexed by session, and `names` is dropped. `Store.open` runs it in one
 * synchronous write transaction together with the new schema version: a crash
 * (`kill -9`, power loss) or an error at any point leaves the store at version 1
 * or at version 2, never between. Run again on records already moved it changes
 * nothing: only string keys are version 1's.
 */
export function migrateFrom1(targets: MigrationTargets): void {
  move(targets.rawMessages, targets.messages);
  move(targets.rawInteractions, targets.interactions);
  targets.indexEvents();
  targets.names.dropSync();
}

function move<T extends OwnedRecord>(raw: Database<unknown, Key>, records: SessionRecords<T>): void {
  // Read whole before writing: the range must not see the keys this adds.
  const old = [...raw.getRange()].filter(({ key }) => typeof key === 'string');
  for (const { key, value } of old) {
    // Every record sessd wrote names its session; one that does not cannot be keyed, so it is left as it was.
    if (!isOwned(value)) continue;
    raw.removeSync(key);
    records.putSync(value as T);
  }
}

function isOwned(value: unknown): value is OwnedRecord {
  const v = value as Partial<OwnedRecord> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.sessionId === 'string';
}
