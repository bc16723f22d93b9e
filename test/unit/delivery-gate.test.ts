import { describe, expect, it } from 'vitest';
import { DeliveryGate } from '../../daemon/sessions/delivery-gate.js';

/** A promise and its settling functions. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('DeliveryGate', () => {
  it("holds a session's activity until its delivery is committed, in that order", async () => {
    const gate = new DeliveryGate();
    const order: string[] = [];
    const commit = deferred<string>();
    const delivered = gate.hold('s1', async () => {
      const m = await commit.promise;
      order.push(`delivered ${m}`);
      return m;
    });
    const activity = gate.passed('s1').then(() => order.push('busy'));
    const other = gate.passed('s2').then(() => order.push('other session'));
    await other;
    expect(order).toEqual(['other session']);
    commit.resolve('m1');
    await Promise.all([delivered, activity]);
    expect(order).toEqual(['other session', 'delivered m1', 'busy']);
  });

  it('lets the activity go when the delivery fails, and passes the failure to the caller', async () => {
    const gate = new DeliveryGate();
    const typing = deferred<never>();
    const delivered = gate.hold('s1', () => typing.promise);
    const activity = gate.passed('s1');
    typing.reject(new Error('tmux is not reachable'));
    await expect(delivered).rejects.toThrow('tmux is not reachable');
    await expect(activity).resolves.toBeUndefined();
  });

  it('waits for every delivery in flight, and for none that ended', async () => {
    const gate = new DeliveryGate();
    const first = deferred<number>();
    const second = deferred<number>();
    const a = gate.hold('s1', () => first.promise);
    const b = gate.hold('s1', () => second.promise);
    let passed = false;
    const activity = gate.passed('s1').then(() => (passed = true));
    first.resolve(1);
    await a;
    await Promise.resolve();
    expect(passed).toBe(false);
    second.resolve(2);
    await Promise.all([b, activity]);
    expect(passed).toBe(true);
    let after = false;
    await gate.passed('s1').then(() => (after = true));
    expect(after).toBe(true);
  });
});
