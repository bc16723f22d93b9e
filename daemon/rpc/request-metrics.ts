import { LATENCY_BUCKETS_MS, type MethodMetrics } from '../../shared/protocol/metrics.js';

/** Where requests for a method no declaration names are counted, so made-up names cannot grow the table. */
export const UNKNOWN_METHOD = '(unknown)';

/**
 * Requests, errors and latency histograms per method, recorded once per request by
 * the dispatcher: a map lookup and a few additions, no allocation after a method's
 * first request.
 */
export class RequestMetrics {
  private readonly methods = new Map<string, MethodMetrics>();

  constructor(private readonly known: ReadonlySet<string>) {}

  /** `errorName`: the error's `data.code` (or its JSON-RPC code), undefined for a success. */
  record(method: string, ms: number, errorName?: string): void {
    const key = this.known.has(method) ? method : UNKNOWN_METHOD;
    let m = this.methods.get(key);
    if (m === undefined) {
      m = { count: 0, errors: 0, errorsByCode: {}, sumMs: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      this.methods.set(key, m);
    }
    m.count++;
    m.sumMs += ms;
    m.buckets[bucketOf(ms)]!++;
    if (errorName !== undefined) {
      m.errors++;
      m.errorsByCode[errorName] = (m.errorsByCode[errorName] ?? 0) + 1;
    }
  }

  snapshot(): Record<string, MethodMetrics> {
    const out: Record<string, MethodMetrics> = {};
    for (const [method, m] of [...this.methods].sort(([a], [b]) => a.localeCompare(b))) {
      out[method] = { ...m, sumMs: Math.round(m.sumMs * 1000) / 1000, errorsByCode: { ...m.errorsByCode }, buckets: [...m.buckets] };
    }
    return out;
  }
}

/** Index of the bucket `ms` falls in: the first bound it does not exceed, or the last (+Inf) bucket. */
export function bucketOf(ms: number): number {
  let lo = 0;
  let hi = LATENCY_BUCKETS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= LATENCY_BUCKETS_MS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
