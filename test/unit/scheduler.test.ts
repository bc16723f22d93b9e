import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadScheduler, SETTLE_MS, STREAM_READ_MS, type ReadCause } from '../../daemon/activity/scheduler.js';

/** A scheduler whose readings are recorded with the (fake) time they began; each lasts until `finish` is called. */
function harness(options: { readable?: () => boolean; printed?: boolean } = {}) {
  const reads: (ReadCause & { at: number })[] = [];
  const finishing: (() => void)[] = [];
  const scheduler = new ReadScheduler(
    (cause) => {
      reads.push({ ...cause, at: Date.now() });
      return new Promise<void>((resolve) => finishing.push(resolve));
    },
    options.readable ?? (() => true),
    options.printed ?? false,
  );
  const finish = async (): Promise<void> => {
    for (const resolve of finishing.splice(0)) resolve();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { scheduler, reads, finish };
}

describe('the read scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads SETTLE_MS after output pauses', async () => {
    const { scheduler, reads } = harness();
    scheduler.output();
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 1);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toEqual([{ printed: true, quiet: false, at: SETTLE_MS }]);
    scheduler.dispose();
  });

  it('reads output that never pauses every STREAM_READ_MS', async () => {
    const { scheduler, reads, finish } = harness();
    for (let t = 0; t < 2 * STREAM_READ_MS; t += 10) {
      scheduler.output();
      await vi.advanceTimersByTimeAsync(10);
      await finish();
    }
    expect(reads.map((r) => r.at)).toEqual([STREAM_READ_MS, 2 * STREAM_READ_MS]);
    scheduler.dispose();
  });

  it('reads once at a time: output during a reading is read after it, as printed', async () => {
    const { scheduler, reads, finish } = harness();
    scheduler.soon();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    scheduler.output();
    await vi.advanceTimersByTimeAsync(STREAM_READ_MS);
    expect(reads).toHaveLength(1);
    await finish();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(reads.map(({ printed, quiet }) => ({ printed, quiet }))).toEqual([
      { printed: false, quiet: false },
      { printed: true, quiet: false },
    ]);
    scheduler.dispose();
  });

  it('reads as the quiet timer’s when it fires, unless it was cleared or rearmed', async () => {
    const { scheduler, reads, finish } = harness({ printed: true });
    scheduler.armQuiet(1_000);
    expect(scheduler.quietArmed).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    scheduler.armQuiet(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toEqual([{ printed: true, quiet: true, at: 1_500 }]);
    expect(scheduler.quietArmed).toBe(false);
    await finish();
    scheduler.armQuiet(1_000);
    scheduler.clearQuiet();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(reads).toHaveLength(1);
    scheduler.dispose();
  });

  it('reads nothing while the screen may not be read, nor after it is disposed', async () => {
    let readable = false;
    const { scheduler, reads } = harness({ readable: () => readable });
    scheduler.output();
    scheduler.armQuiet(100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual([]);
    readable = true;
    scheduler.output();
    scheduler.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
