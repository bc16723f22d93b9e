import type { SessdClient, Subscription } from '../../../../sdk/client.js';
import type { SessdEvent, Session } from '../../../../../shared/protocol/model.js';

/** Sessions of one space, by name. */
export interface SpaceGroup {
  space: string;
  sessions: Session[];
}

/**
 * Every session sessd has, kept current from its events (never polled): listed once,
 * then each event about a session re-reads that session, and a deletion removes it.
 * It needs nothing from VS Code; the tree view and the status bar render it.
 */
export class SessionsModel {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<() => void>();
  /** Sessions being re-read, and those that changed again meanwhile. */
  private readonly reading = new Set<string>();
  private readonly stale = new Set<string>();
  private subscription: Subscription | undefined;
  private disposed = false;

  constructor(private readonly client: SessdClient) {}

  /** Subscribes first (so nothing between the list and the subscription is missed), then lists. */
  async start(): Promise<void> {
    this.subscription = await this.client.subscribe({}, (event) => this.apply(event));
    for (const session of await this.client.listAll()) this.sessions.set(session.id, session);
    this.changed();
  }

  /** Calls `listener` after every change; returns its removal. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  all(): Session[] {
    return [...this.sessions.values()].sort((a, b) => a.space.localeCompare(b.space) || a.name.localeCompare(b.name));
  }

  /** Sessions grouped by space, spaces and names in order. */
  bySpace(): SpaceGroup[] {
    const groups = new Map<string, Session[]>();
    for (const session of this.all()) {
      const group = groups.get(session.space) ?? [];
      group.push(session);
      groups.set(session.space, group);
    }
    return [...groups].map(([space, sessions]) => ({ space, sessions }));
  }

  /** Sessions whose program waits for a person (an approval, a question). */
  waiting(): Session[] {
    return this.all().filter(isWaiting);
  }

  /** Resolves once no session is being re-read (for tests and for a refresh that must be complete). */
  async settled(): Promise<void> {
    while (this.reading.size > 0) await new Promise<void>((resolve) => this.onceChanged(resolve));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
    // The connection may be gone already; unsubscribing is then moot.
    await this.subscription?.dispose().catch(() => undefined);
  }

  private apply(event: SessdEvent): void {
    const id = event.sessionId;
    if (id === null || this.disposed) return;
    if (event.type === 'session.deleted') {
      this.sessions.delete(id);
      this.stale.delete(id);
      this.changed();
      return;
    }
    void this.reread(id);
  }

  private async reread(id: string): Promise<void> {
    if (this.reading.has(id)) {
      this.stale.add(id);
      return;
    }
    this.reading.add(id);
    try {
      do {
        this.stale.delete(id);
        try {
          this.sessions.set(id, await this.client.session.get({ session: id }));
        } catch {
          // Deleted meanwhile (its session.deleted event follows), or the connection dropped.
          this.sessions.delete(id);
        }
      } while (this.stale.has(id) && !this.disposed);
    } finally {
      this.reading.delete(id);
      this.changed();
    }
  }

  private onceChanged(wake: () => void): void {
    const off = this.onChange(() => {
      off();
      wake();
    });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export function isWaiting(session: Session): boolean {
  return session.activity === 'waiting' && (session.status === 'running' || session.status === 'paused');
}

/** One line about a session: its status, and what it does while it runs. */
export function describeSession(session: Session): string {
  const live = session.status === 'running' || session.status === 'paused';
  const activity = live && session.activity !== 'unknown' ? `, ${session.activity}` : '';
  const exit = session.status === 'exited' && session.exitCode !== null ? ` (${session.exitCode})` : '';
  return `${session.status}${exit}${activity}`;
}
