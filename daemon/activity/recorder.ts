import type { Activity, Session } from '../../shared/protocol/model.js';
import type { Committer } from '../sessions/commit.js';
import type { DeliveryGate } from '../sessions/delivery-gate.js';
import type { KeyedLock } from '../sessions/lock.js';
import type { SessionRegistry } from '../sessions/registry.js';

export type ActivityListener = (session: Session, previous: Activity) => void;

/** Who told an activity: the screen's reading, or the agent's own hook (in the event's `source`). */
export type ActivitySource = 'screen' | 'hook';

/** What activity is recorded with. */
export interface RecorderDeps {
  registry: SessionRegistry;
  committer: Committer;
  locks: KeyedLock;
  /** Deliveries being typed: a change waits for them, so it is published after the delivery that caused it. */
  deliveries: Pick<DeliveryGate, 'passed'>;
}

/**
 * Records sessions' activity: each change on the session (`activity`,
 * `lastActivityAt`) with its `session.activity` event, then told to the listeners.
 * Keeps the count of each session's idles and the one in which input last went in,
 * so that what waits for idle can wait for the next one.
 */
export class ActivityRecorder {
  private readonly listeners = new Set<ActivityListener>();
  private readonly idleTimes = new Map<string, number>();
  private readonly inputIn = new Map<string, number>();

  constructor(private readonly deps: RecorderDeps) {}

  /**
   * Stores the session's activity (and its notice: what the screen says keeps the
   * program from working) with its event, unless both are already stored; null when it
   * no longer runs. `source`: who told it (the screen, or the agent's own hook).
   */
  store(id: string, activity: Activity, notice: string | null = null, source: ActivitySource = 'screen'): Promise<Session | null> {
    return this.deps.locks.run(id, async () => {
      await this.deps.deliveries.passed(id);
      const current = this.deps.registry.get(id);
      if (current?.status !== 'running') return null;
      const noticeChanged = (current.notice ?? null) !== notice;
      if (current.activity === activity && !noticeChanged) return current;
      const now = new Date().toISOString();
      const next: Session = { ...current, activity, notice, lastActivityAt: now, updatedAt: now };
      await this.deps.committer.commit({
        put: [next],
        events: [
          {
            type: 'session.activity',
            sessionId: id,
            data: { activity, previous: current.activity, ...(noticeChanged ? { notice } : {}), ...(source === 'hook' ? { source } : {}) },
          },
        ],
      });
      return next;
    });
  }

  /** Stores what an ended program's last screen says stopped it (a first-run check that could not reach its model). */
  ended(id: string, notice: string): Promise<void> {
    return this.deps.locks.run(id, async () => {
      const current = this.deps.registry.get(id);
      if (current === undefined || current.status === 'running' || current.notice === notice) return;
      await this.deps.committer.commit({ put: [{ ...current, notice, updatedAt: new Date().toISOString() }] });
    });
  }

  /** Tells a stored change (or a first reading) to the listeners, an idle counted first. */
  tell(session: Session, previous: Activity): void {
    if (session.activity === 'idle') this.idleTimes.set(session.id, this.idleEpoch(session.id) + 1);
    for (const listener of this.listeners) listener(session, previous);
  }

  onChange(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many times the session has become idle (a message waits for the next one after its delivery). */
  idleEpoch(sessionId: string): number {
    return this.idleTimes.get(sessionId) ?? 0;
  }

  /** Input went in: what waits for the session to be idle waits for its next idle. */
  input(sessionId: string): void {
    this.inputIn.set(sessionId, this.idleEpoch(sessionId));
  }

  /** The idle epoch in which input last went in (-1: none since this daemon started). */
  inputEpoch(sessionId: string): number {
    return this.inputIn.get(sessionId) ?? -1;
  }

  /** The session is deleted. */
  forget(sessionId: string): void {
    this.idleTimes.delete(sessionId);
    this.inputIn.delete(sessionId);
  }
}
