/**
 * At most `size` pieces of work at once; the rest wait their turn in arrival order.
 *
 * Screen reads go through one of these. A restart with thousands of live sessions
 * reads every screen (and each again once it is quiet); sent to tmux all at once,
 * those captures queued ahead of everything else on the control client, and at 5,000
 * sessions tmux took about 20 s to work through them (it answers ~500 commands a
 * second there), so a `session/list` after the restart waited behind them. Waiting
 * here instead, a request's own tmux commands queue behind at most `size` reads.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`slots: size must be a positive integer, not ${size}`);
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.free += 1;
    }
  }

  /** Work waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}
