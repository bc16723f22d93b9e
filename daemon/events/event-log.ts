import type { EventType, JsonObject, SessdEvent } from '../../shared/protocol/model.js';
import { redactSecrets } from '../../shared/secrets.js';
import type { Store } from '../store/store.js';

export interface PendingEvent {
  type: EventType;
  sessionId: string | null;
  data: JsonObject;
}

/**
 * The durable, monotonic event log. Seqs are assigned before the write that stores
 * the events; once the write settles, events are released to listeners strictly in
 * seq order (a failed write's seqs are skipped, never reused). `lastPublishedSeq`
 * is therefore a point below which every kept event is in the store.
 *
 * Never reused, also after an OS crash: the write settles only once it is synced
 * (`Store.write`), so an event is published after it is on disk. A crash can lose
 * only seqs that were assigned but not yet published; the next daemon starts after
 * the last stored seq and may assign those again, which no client has seen.
 */
export class EventLog {
  private nextSeq = 1;
  private nextToRelease = 1;
  private lastPublished = 0;
  private oldest = 1;
  private readonly settled = new Map<number, SessdEvent | null>();
  private readonly listeners = new Set<(event: SessdEvent) => void>();
  private pruning = false;

  constructor(
    private readonly store: Store,
    /** How many events are kept; older ones are pruned. */
    private readonly retention: number,
  ) {
    const last = [...store.events.getKeys({ reverse: true, limit: 1 })][0];
    const first = [...store.events.getKeys({ limit: 1 })][0];
    this.nextSeq = this.nextToRelease = (last ?? 0) + 1;
    this.lastPublished = last ?? 0;
    this.oldest = first ?? this.nextSeq;
  }

  get lastPublishedSeq(): number {
    return this.lastPublished;
  }

  get oldestSeq(): number {
    return this.oldest;
  }

  /**
   * Assigns seqs and times; the caller writes the result with `put` and then calls
   * `settle`. Secret-looking values of `env` maps are redacted here: events are kept
   * and replayed to any subscriber, long after the request that carried them.
   */
  stamp(pending: readonly PendingEvent[]): SessdEvent[] {
    const time = new Date().toISOString();
    return pending.map((p) => ({ seq: this.nextSeq++, time, type: p.type, sessionId: p.sessionId, data: redactSecrets(p.data) as JsonObject }));
  }

  /** Inside a store write. */
  put(events: readonly SessdEvent[]): void {
    for (const event of events) this.store.putEventSync(event);
  }

  /** After the write: releases events to listeners in seq order, or skips them if it failed. */
  settle(events: readonly SessdEvent[], committed: boolean): void {
    for (const event of events) this.settled.set(event.seq, committed ? event : null);
    while (this.settled.has(this.nextToRelease)) {
      const event = this.settled.get(this.nextToRelease)!;
      this.settled.delete(this.nextToRelease);
      this.nextToRelease++;
      if (event === null) continue;
      this.lastPublished = event.seq;
      for (const listener of this.listeners) listener(event);
    }
    if (committed && this.lastPublished - this.oldest + 1 > this.retention * 1.1) void this.prune();
  }

  /** Stored events with from <= seq <= to, at most `limit` of them. */
  read(from: number, to: number, limit: number): SessdEvent[] {
    return [...this.store.events.getRange({ start: Math.max(from, this.oldest), end: to + 1, limit })].map((e) => e.value);
  }

  onEvent(listener: (event: SessdEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops the oldest events beyond the retention bound. Best effort: a failure only delays it. */
  private async prune(): Promise<void> {
    if (this.pruning) return;
    this.pruning = true;
    const keepFrom = this.lastPublished - this.retention + 1;
    try {
      await this.store.write(() => {
        this.store.removeEventsBeforeSync(keepFrom);
      });
      this.oldest = Math.max(this.oldest, keepFrom);
    } catch {
      // A full disk refuses the prune like any write; the next append tries again.
    } finally {
      this.pruning = false;
    }
  }
}
