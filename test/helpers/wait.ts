/** Hang guard for anything a test awaits: events arrive in milliseconds. */
export const EVENT_TIMEOUT_MS = 20_000;

/**
 * Something that changes as events arrive. `until` re-checks a condition each time
 * `wake` is called (never on a timer) and fails only when nothing satisfies it within
 * EVENT_TIMEOUT_MS. A wake during an asynchronous check is not lost.
 */
export class Wakeable {
  private generation = 0;
  private readonly wakers = new Set<() => void>();

  wake(): void {
    this.generation++;
    for (const wake of this.wakers) wake();
  }

  async until<T>(check: () => T | undefined | Promise<T | undefined>, describe: () => string): Promise<T> {
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    for (;;) {
      const before = this.generation;
      const found = await check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`gave up after ${EVENT_TIMEOUT_MS} ms: ${describe()}`);
      if (this.generation !== before) continue;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.wakers.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.wakers.add(wake);
      });
    }
  }
}
