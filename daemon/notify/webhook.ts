/** One POST's bound: a receiver that hangs costs a retry, never a stuck notification. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Waits before the 2nd and 3rd attempts: a receiver restarting gets a few seconds, then the notification is given up. */
export const WEBHOOK_RETRY_DELAYS_MS = [500, 2_000] as const;

export interface WebhookTarget {
  url: string;
  headers?: Record<string, string> | undefined;
}

/**
 * POSTs `body` as JSON; a network error, a timeout, a 5xx or a 429 is retried after
 * each of WEBHOOK_RETRY_DELAYS_MS; any other non-2xx answer fails at once.
 */
export async function postWebhook(target: WebhookTarget, body: string, signal?: AbortSignal): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt <= WEBHOOK_RETRY_DELAYS_MS.length; attempt++) {
    if (attempt > 0) await delay(WEBHOOK_RETRY_DELAYS_MS[attempt - 1]!, signal);
    try {
      const timeout = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sessd', ...target.headers },
        body,
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
      });
      await response.body?.cancel();
      if (response.ok) return;
      last = `${target.url} answered ${response.status}`;
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      if (signal?.aborted === true) throw new Error('the daemon is stopping', { cause: error });
      last = `POST ${target.url}: ${(error as Error).message}${(error as { cause?: { code?: string } }).cause?.code === undefined ? '' : ` (${(error as { cause: { code: string } }).cause.code})`}`;
    }
  }
  throw new Error(last);
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('the daemon is stopping'));
    }, { once: true });
  });
}
