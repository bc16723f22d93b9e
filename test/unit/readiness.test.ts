import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Activity, Session } from '../../shared/protocol/model.js';
import type { TrackingEvent } from '../../daemon/activity/state.js';
import { Readiness, STARTING_READY_MS } from '../../daemon/sessions/readiness.js';

/** Activity tracking as readiness hears it, told by hand. */
class Told {
  readonly tracking = new Set<(event: TrackingEvent) => void>();
  readonly changes = new Set<(session: Session, previous: Activity) => void>();

  onTracking(listener: (event: TrackingEvent) => void): () => void {
    this.tracking.add(listener);
    return () => this.tracking.delete(listener);
  }

  onChange(listener: (session: Session, previous: Activity) => void): () => void {
    this.changes.add(listener);
    return () => this.changes.delete(listener);
  }

  tell(type: TrackingEvent['type'], adopted = false): void {
    const event = (type === 'tracked' ? { type, sessionId: 's1', adopted } : { type, sessionId: 's1' }) as TrackingEvent;
    for (const l of this.tracking) l(event);
  }

  activity(activity: Activity): void {
    for (const l of this.changes) l({ id: 's1', activity } as Session, 'unknown');
  }
}

/** Whether the promise has settled, and how. */
function watch(p: Promise<boolean>): { value: boolean | undefined } {
  const seen: { value: boolean | undefined } = { value: undefined };
  void p.then((v) => (seen.value = v));
  return seen;
}

describe('readiness for the first input', () => {
  let told: Told;
  let readiness: Readiness;
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    told = new Told();
    readiness = new Readiness(told);
  });
  afterEach(() => {
    readiness.dispose();
    expect(told.tracking.size + told.changes.size).toBe(0);
    vi.useRealTimers();
  });

  it('does not wait for a session that is not tracked', async () => {
    expect(await readiness.startedReady('s1', STARTING_READY_MS)).toBe(false);
  });

  it('does not wait for a program found running at sessd’s start, or resumed', async () => {
    told.tell('tracked', true);
    expect(await readiness.startedReady('s1', STARTING_READY_MS)).toBe(false);
  });

  it('waits for a starting program’s first idle, then no more', async () => {
    told.tell('tracked');
    const ready = watch(readiness.startedReady('s1', STARTING_READY_MS));
    await vi.advanceTimersByTimeAsync(1_000);
    told.activity('busy');
    await vi.advanceTimersByTimeAsync(0);
    expect(ready.value).toBeUndefined();
    told.activity('idle');
    await vi.advanceTimersByTimeAsync(0);
    expect(ready.value).toBe(true);
    expect(await readiness.startedReady('s1', STARTING_READY_MS)).toBe(false);
  });

  it('wakes for a question or quiet output, but a later input still waits for idle', async () => {
    told.tell('tracked');
    const first = watch(readiness.startedReady('s1', STARTING_READY_MS));
    told.activity('waiting');
    await vi.advanceTimersByTimeAsync(0);
    expect(first.value).toBe(true);
    const second = watch(readiness.startedReady('s1', STARTING_READY_MS));
    told.tell('quiet');
    await vi.advanceTimersByTimeAsync(0);
    expect(second.value).toBe(true);
    const third = watch(readiness.startedReady('s1', STARTING_READY_MS));
    await vi.advanceTimersByTimeAsync(0);
    expect(third.value).toBeUndefined();
    told.tell('untracked');
    await vi.advanceTimersByTimeAsync(0);
    expect(third.value).toBe(true);
  });

  it('gives up STARTING_READY_MS after the start, counted from the start a restore made ready ahead', async () => {
    told.tell('tracked');
    await vi.advanceTimersByTimeAsync(5_000);
    told.tell('started');
    const ready = watch(readiness.startedReady('s1', STARTING_READY_MS));
    await vi.advanceTimersByTimeAsync(STARTING_READY_MS - 1);
    expect(ready.value).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(ready.value).toBe(true);
    expect(await readiness.startedReady('s1', STARTING_READY_MS)).toBe(false);
  });
});
