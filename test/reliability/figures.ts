import { readFileSync } from 'node:fs';

/**
 * The figures a reliability test prints: one line each, `figure <test>: <name> = <value>`,
 * so that a run's output can be grepped for them (`npm run test:reliability | grep '^figure'`).
 */
export function figure(test: string, name: string, value: number | string, unit = ''): void {
  const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value);
  console.log(`figure ${test}: ${name} = ${shown}${unit === '' ? '' : ` ${unit}`}`);
}

/** VmRSS of a process, in bytes, from /proc (what the kernel charges it). */
export function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

export function mib(bytes: number): number {
  return bytes / 1024 / 1024;
}

/** The q-quantile (0..1) of some values, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run's seed: SESSD_SEED when given (to repeat a run), else a fresh one; printed either way. */
export function runSeed(test: string): number {
  const given = process.env.SESSD_SEED;
  const seed = given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given);
  figure(test, 'seed (SESSD_SEED to repeat)', seed);
  return seed;
}
