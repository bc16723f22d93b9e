import type { Session } from '../../shared/protocol/model.js';
import { parseRef } from './naming.js';

const nameKey = (space: string, name: string): string => `${space}\u0000${name}`;

/**
 * The sessions in memory, mirroring the store: updated only after a write commits.
 * Names being created are reserved here first, so two concurrent creates of one
 * name cannot both succeed.
 */
export class SessionRegistry {
  private readonly byId = new Map<string, Session>();
  private readonly idByName = new Map<string, string>();
  private readonly reserved = new Map<string, string>();

  /** Loads stored sessions; records written before a field existed get its empty value. */
  load(sessions: Iterable<Session>): void {
    for (const session of sessions) this.set({ ...session, nextRestartAt: session.nextRestartAt ?? null });
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  /** Resolves a reference (id, `space/name`, or a name in the default space). */
  resolve(ref: string): Session | undefined {
    const parsed = parseRef(ref);
    if (parsed.id !== undefined) {
      const byId = this.byId.get(parsed.id);
      if (byId !== undefined) return byId;
    }
    const id = this.idByName.get(nameKey(parsed.space, parsed.name));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The id holding (or reserving) a name, if any. */
  nameHolder(space: string, name: string): string | undefined {
    const key = nameKey(space, name);
    return this.idByName.get(key) ?? this.reserved.get(key);
  }

  /** Reserves a free name for `id`; false when it is taken. */
  reserve(space: string, name: string, id: string): boolean {
    if (this.nameHolder(space, name) !== undefined) return false;
    this.reserved.set(nameKey(space, name), id);
    return true;
  }

  release(space: string, name: string): void {
    this.reserved.delete(nameKey(space, name));
  }

  isReservedId(id: string): boolean {
    for (const reservedId of this.reserved.values()) if (reservedId === id) return true;
    return false;
  }

  set(session: Session): void {
    const before = this.byId.get(session.id);
    // A renamed session leaves its old name free.
    if (before !== undefined && (before.name !== session.name || before.space !== session.space)) {
      const old = nameKey(before.space, before.name);
      if (this.idByName.get(old) === session.id) this.idByName.delete(old);
    }
    this.byId.set(session.id, session);
    this.idByName.set(nameKey(session.space, session.name), session.id);
    this.reserved.delete(nameKey(session.space, session.name));
  }

  delete(session: Session): void {
    this.byId.delete(session.id);
    this.idByName.delete(nameKey(session.space, session.name));
  }

  all(): Session[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
