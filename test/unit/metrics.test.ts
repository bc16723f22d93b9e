import { describe, expect, it } from 'vitest';
import { quantile } from '../../client/cli/commands/metrics.run.js';
import { bucketOf, RequestMetrics, UNKNOWN_METHOD } from '../../daemon/rpc/request-metrics.js';
import { LATENCY_BUCKETS_MS } from '../../shared/protocol/metrics.js';

describe('request metrics', () => {
  it('puts a latency in the first bucket whose bound it does not exceed', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.5)).toBe(0);
    expect(bucketOf(0.51)).toBe(1);
    expect(bucketOf(10)).toBe(LATENCY_BUCKETS_MS.indexOf(10));
    expect(bucketOf(10_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(bucketOf(10_001)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it('counts per declared method, errors by name, and every undeclared name in one row', () => {
    const m = new RequestMetrics(new Set(['a/b']));
    m.record('a/b', 0.2);
    m.record('a/b', 3, 'timeout');
    m.record('x/1', 1, 'method_not_found');
    m.record('x/2', 1, 'method_not_found');
    const snap = m.snapshot();
    expect(Object.keys(snap)).toEqual([UNKNOWN_METHOD, 'a/b']);
    expect(snap['a/b']).toMatchObject({ count: 2, errors: 1, errorsByCode: { timeout: 1 }, sumMs: 3.2 });
    expect(snap['a/b']!.buckets[0]).toBe(1);
    expect(snap['a/b']!.buckets[bucketOf(3)]).toBe(1);
    expect(snap[UNKNOWN_METHOD]).toMatchObject({ count: 2, errors: 2 });
  });

  it('reads a quantile off the histogram as the bound of its bucket', () => {
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    buckets[0] = 98;
    buckets[5] = 1;
    buckets[LATENCY_BUCKETS_MS.length] = 1;
    expect(quantile({ count: 100, buckets }, 0.5, [...LATENCY_BUCKETS_MS])).toBe('≤0.5ms');
    expect(quantile({ count: 100, buckets }, 0.99, [...LATENCY_BUCKETS_MS])).toBe(`≤${LATENCY_BUCKETS_MS[5]}ms`);
    expect(quantile({ count: 100, buckets }, 1, [...LATENCY_BUCKETS_MS])).toBe('>10000ms');
    expect(quantile({ count: 0, buckets }, 0.5, [...LATENCY_BUCKETS_MS])).toBe('-');
  });
});
