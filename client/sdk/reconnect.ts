import type { SessdClient } from './client.js';
import { DaemonUnreachableError, UnsafeSocketError } from './errors.js';
import { ConnectionClosedError } from './transport.js';

/** First wait before connecting again: a restarted sessd (systemd, `sess daemon start`) listens again within a few hundred ms. */
export const RECONNECT_FIRST_DELAY_MS = 100;
/** The longest wait between attempts, so a client finds a daemon that came back within this. */
export const RECONNECT_MAX_DELAY_MS = 5_000;
/** Each failed attempt multiplies the wait by this. */
export const RECONNECT_FACTOR = 2;

/** Exponential backoff between RECONNECT_FIRST_DELAY_MS and RECONNECT_MAX_DELAY_MS. */
export class Backoff {
  private next = RECONNECT_FIRST_DELAY_MS;

  /** The wait before the next attempt; each call waits longer, up to the bound. */
  delay(): number {
    const delay = this.next;
    this.next = Math.min(this.next * RECONNECT_FACTOR, RECONNECT_MAX_DELAY_MS);
    return delay;
  }

  reset(): void {
    this.next = RECONNECT_FIRST_DELAY_MS;
  }
}

/** Resolves once `client`'s connection has ended (at once when it already has). */
export function whenClosed(client: SessdClient): Promise<string> {
  if (client.closed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const off = client.onClose((reason) => {
      off();
      resolve(reason);
    });
  });
}

/**
 * Calls `connect` until it succeeds, waiting with backoff after each failure to reach
 * sessd. Any other error (a protocol mismatch, an unsafe socket directory) is thrown at once, as is an abort
 * of `signal`.
 */
export async function reconnect(
  connect: () => Promise<SessdClient>,
  options: { signal?: AbortSignal; onRetry?: (error: DaemonUnreachableError, delayMs: number) => void } = {},
): Promise<SessdClient> {
  const backoff = new Backoff();
  // A first wait too: a daemon that is stopping may still accept, then hang up again.
  await wait(backoff.delay(), options.signal);
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (!(error instanceof DaemonUnreachableError) || error instanceof UnsafeSocketError) throw error;
      const delay = backoff.delay();
      options.onRetry?.(error, delay);
      await wait(delay, options.signal);
    }
  }
}

/** Whether an error only says the connection went away (then a follower connects again). */
export function isConnectionLost(error: unknown): boolean {
  return error instanceof ConnectionClosedError || (error instanceof DaemonUnreachableError && !(error instanceof UnsafeSocketError));
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
