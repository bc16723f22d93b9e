/**
 * Keeps a session's activity events behind the delivery that caused them.
 *
 * A delivery types its text, then commits the message as delivered with its
 * `message.delivered` event. The program's answer to the text can be read in between
 * (its screen goes busy before the commit is made, more so on a slow disk), and
 * events are published in the order their commits are made, so a subscriber saw
 * `busy` before the `message.delivered` that caused it. The activity recorder waits
 * here for the session's deliveries in flight before it commits: `message.delivered`,
 * then `busy`. A failed delivery lets it go as well.
 */
export class DeliveryGate {
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  /** Runs a delivery into the session; its activity waits until the delivery is committed or failed. */
  async hold<T>(sessionId: string, delivery: () => Promise<T>): Promise<T> {
    let running = this.inFlight.get(sessionId);
    if (running === undefined) {
      running = new Set();
      this.inFlight.set(sessionId, running);
    }
    const work = delivery();
    running.add(work);
    try {
      return await work;
    } finally {
      running.delete(work);
      if (running.size === 0 && this.inFlight.get(sessionId) === running) this.inFlight.delete(sessionId);
    }
  }

  /** Resolves once the deliveries into the session that are in flight now have ended. */
  async passed(sessionId: string): Promise<void> {
    const running = this.inFlight.get(sessionId);
    if (running === undefined || running.size === 0) return;
    await Promise.allSettled([...running]);
  }
}
