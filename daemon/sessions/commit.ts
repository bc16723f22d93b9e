import type { Checkpoint, Interaction, Message, SessdEvent, Session } from '../../shared/protocol/model.js';
import type { AuditEntry } from '../../shared/protocol/policy.js';
import { errors } from '../errors.js';
import type { EventLog, PendingEvent } from '../events/event-log.js';
import { StorageError, type InputMark, type Store } from '../store/store.js';
import type { SessionRegistry } from './registry.js';

/** One atomic change of durable state. */
export interface Change {
  put?: Session[];
  /** Removed with everything they own: their checkpoints, messages and interactions (by key range). */
  remove?: Session[];
  messages?: Message[];
  /** Whole checkpoints (put as given: a new one, or one whose git state is filled in). */
  checkpoints?: Checkpoint[];
  removeCheckpoints?: [string, number][];
  interactions?: Interaction[];
  /** Entries of sessions' audit lists (decisions on approvals). */
  audit?: AuditEntry[];
  events?: PendingEvent[];
  /** Input marks of a transcript (`session/send`'s), stored with the message they record. */
  inputMarks?: { key: [string, number, number]; mark: InputMark }[];
}

/**
 * The only path by which state changes: writes the change in one durable
 * transaction, then updates memory and releases the events. A refused write
 * changes nothing and surfaces as `storage_error`.
 *
 * Durable means synced (see `Store`): `commit` resolves once the transaction is on
 * disk, and commits made while another is being synced share the next sync (group
 * commit). Events are released to subscribers only then, so a seq a client has seen
 * is on disk and is never handed out again, even after an OS crash.
 */
export class Committer {
  constructor(
    private readonly store: Store,
    private readonly registry: SessionRegistry,
    private readonly events: EventLog,
  ) {}

  async commit(change: Change): Promise<SessdEvent[]> {
    const stamped = this.events.stamp(change.events ?? []);
    const { sessions, messages, checkpoints, interactions, inputMarks, audit } = this.store;
    try {
      await this.store.write(() => {
        for (const s of change.put ?? []) sessions.putSync(s.id, s);
        for (const m of change.messages ?? []) messages.putSync(m);
        for (const c of change.checkpoints ?? []) checkpoints.putSync([c.sessionId, c.seq], c);
        for (const key of change.removeCheckpoints ?? []) checkpoints.removeSync(key);
        for (const i of change.interactions ?? []) interactions.putSync(i);
        for (const m of change.inputMarks ?? []) inputMarks.putSync(m.key, m.mark);
        for (const a of change.audit ?? []) audit.putSync(a);
        for (const s of change.remove ?? []) this.store.removeSessionSync(s.id);
        this.events.put(stamped);
      });
    } catch (error) {
      this.events.settle(stamped, false);
      if (error instanceof StorageError) throw errors.storage(error.message);
      throw error;
    }
    for (const s of change.put ?? []) this.registry.set(s);
    for (const s of change.remove ?? []) this.registry.delete(s);
    this.events.settle(stamped, true);
    return stamped;
  }
}
