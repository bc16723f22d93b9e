import type { EventType, SessdEvent } from '../../shared/protocol/model.js';
import { EventNotification, type EventsSubscribeResult } from '../../shared/protocol/events.js';
import type { ClientConnection } from '../rpc/connection.js';
import { newId } from '../sessions/naming.js';
import type { EventLog } from './event-log.js';

/** Events read from the store per turn of the event loop while replaying. */
const REPLAY_CHUNK = 256;

interface Subscription {
  id: string;
  conn: ClientConnection;
  sessions: Set<string> | null;
  types: Set<EventType> | null;
  /** Live events that arrived before the replay finished; sent right after it. */
  pending: SessdEvent[] | null;
  /** The last seq sent, so replay and live never overlap. */
  sent: number;
}

/**
 * `events/subscribe`: replay from the store, then live delivery, with no gap and no
 * repeat. A subscription starts buffering at once and is flushed on the next turn,
 * after its reply has been written, so no event precedes the subscription id.
 * Subscriptions end with their connection.
 */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();
  private readonly off: () => void;

  constructor(private readonly log: EventLog) {
    this.off = log.onEvent((event) => {
      for (const sub of this.byId.values()) {
        if (sub.pending !== null) sub.pending.push(event);
        else this.deliver(sub, event);
      }
    });
  }

  subscribe(
    conn: ClientConnection,
    params: { fromSeq?: number | undefined; sessions?: string[] | undefined; types?: EventType[] | undefined },
  ): EventsSubscribeResult {
    const lastSeq = this.log.lastPublishedSeq;
    const sub: Subscription = {
      id: newId('e', 11),
      conn,
      sessions: params.sessions === undefined ? null : new Set(params.sessions),
      types: params.types === undefined ? null : new Set(params.types),
      pending: [],
      sent: params.fromSeq === undefined ? lastSeq : params.fromSeq - 1,
    };
    this.byId.set(sub.id, sub);
    const disown = conn.own(() => this.byId.delete(sub.id));
    setImmediate(() => {
      this.replay(sub, lastSeq).catch(() => {
        // Only a store read can fail here; the subscriber is dropped rather than left with a gap.
        disown();
        this.byId.delete(sub.id);
        conn.close();
      });
    });
    return { subscriptionId: sub.id, lastSeq, oldestSeq: this.log.oldestSeq };
  }

  unsubscribe(conn: ClientConnection, id: string): boolean {
    const sub = this.byId.get(id);
    if (sub === undefined || sub.conn !== conn) return false;
    this.byId.delete(id);
    return true;
  }

  get count(): number {
    return this.byId.size;
  }

  dispose(): void {
    this.off();
    this.byId.clear();
  }

  private async replay(sub: Subscription, lastSeq: number): Promise<void> {
    while (sub.sent < lastSeq && this.byId.has(sub.id)) {
      const events = this.log.read(sub.sent + 1, lastSeq, REPLAY_CHUNK);
      if (events.length === 0) break;
      for (const event of events) this.deliver(sub, event);
      sub.sent = Math.max(sub.sent, events[events.length - 1]!.seq);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const pending = sub.pending ?? [];
    sub.pending = null;
    for (const event of pending) this.deliver(sub, event);
  }

  private deliver(sub: Subscription, event: SessdEvent): void {
    if (event.seq <= sub.sent && sub.pending === null) return;
    if (sub.pending === null) sub.sent = event.seq;
    if (sub.types !== null && !sub.types.has(event.type)) return;
    if (sub.sessions !== null && (event.sessionId === null || !sub.sessions.has(event.sessionId))) return;
    sub.conn.notify(EventNotification, { subscriptionId: sub.id, event });
  }
}
