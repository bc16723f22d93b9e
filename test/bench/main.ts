/**
 * `npm run bench [-- --quick] [--json FILE] [SUITE...]`: measures sessd against raw tmux
 * (and other baselines) in the same run, on private tmux servers and temp dirs, and
 * prints medians and ratios. Nothing here asserts a speed: the figures are for
 * people (and for --json consumers) to read.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { benchDir, median, percentile } from './env.js';
import { agents } from './agents.js';
import { attach } from './attach.js';
import { core } from './core.js';
import { durability } from './durability.js';
import { scale } from './scale.js';
import { throughput } from './throughput.js';

export interface SuiteOptions {
  /** Fewer rounds and smaller workloads, for a quick look. */
  quick: boolean;
}

export interface Figure {
  name: string;
  /**
   * `ms`: a time; `MiB`: memory; `cpu%`: CPU time over wall time (100 = one core):
   * lower is better. `MiB/s`: a throughput, higher is better.
   */
  unit: 'ms' | 'MiB/s' | 'MiB' | 'cpu%';
  sessd: number[];
  baseline?: { name: string; values: number[] };
}

type Suite = (dir: string, options: SuiteOptions) => Promise<Figure[]>;

/** In the order they run by default. */
const SUITES: Record<string, Suite> = { core, agents, durability, throughput, attach, scale };

const USAGE = `usage: npm run bench -- [--quick] [--json FILE] [SUITE...]
suites: ${Object.keys(SUITES).join(', ')} (default: all)`;

function format(value: number, unit: Figure['unit']): string {
  switch (unit) {
    case 'ms':
      return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
    case 'cpu%':
      return `${value.toFixed(2)} % CPU`;
    default:
      return `${value.toFixed(1)} ${unit}`;
  }
}

/**
 * One row of `--json`, in the row's `unit`; the `_ms` fields are null unless it is a
 * time. For a throughput (MiB/s), `p99` and `worst` are the low end and `ratio`
 * compares throughputs. `ratio` is null without a baseline or when the baseline is 0.
 */
interface Row {
  suite: string;
  name: string;
  unit: Figure['unit'];
  runs: number;
  median: number;
  p99: number;
  worst: number;
  median_ms: number | null;
  p99_ms: number | null;
  baseline: string | null;
  baseline_median: number | null;
  baseline_median_ms: number | null;
  ratio: number | null;
}

function row(suite: string, f: Figure): Row {
  const ms = f.unit === 'ms';
  const lowerIsBetter = f.unit !== 'MiB/s';
  const ours = median(f.sessd);
  const theirs = f.baseline === undefined ? null : median(f.baseline.values);
  return {
    suite,
    name: f.name,
    unit: f.unit,
    runs: f.sessd.length,
    median: ours,
    p99: lowerIsBetter ? percentile(f.sessd, 99) : percentile(f.sessd, 1),
    worst: lowerIsBetter ? Math.max(...f.sessd) : Math.min(...f.sessd),
    median_ms: ms ? ours : null,
    p99_ms: ms ? percentile(f.sessd, 99) : null,
    baseline: f.baseline?.name ?? null,
    baseline_median: theirs,
    baseline_median_ms: ms ? theirs : null,
    ratio: theirs === null || theirs === 0 ? null : ours / theirs,
  };
}

async function main(argv: string[]): Promise<number> {
  let json: string | undefined;
  let quick = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--json') {
      json = argv[++i];
      if (json === undefined || json.startsWith('-')) {
        process.stderr.write(`bench: --json needs a FILE\n${USAGE}\n`);
        return 2;
      }
    } else if (arg.startsWith('-')) {
      process.stderr.write(`bench: unknown option ${arg}\n${USAGE}\n`);
      return 2;
    } else if (SUITES[arg] === undefined) {
      process.stderr.write(`bench: no suite ${arg}\n${USAGE}\n`);
      return 2;
    } else names.push(arg);
  }
  const options: SuiteOptions = { quick };
  const rows: Row[] = [];
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    process.stderr.write(`running ${name}${quick ? ' (quick)' : ''}...\n`);
    const { dir, remove } = await benchDir();
    let figures: Figure[];
    try {
      figures = await SUITES[name]!(dir, options);
    } finally {
      await remove();
    }
    process.stdout.write(`\n${name} (median, p99 and worst of n runs; ratio = sessd / baseline, both measured now)\n`);
    for (const f of figures) {
      const r = row(name, f);
      rows.push(r);
      let line = `  ${f.name.padEnd(56)} ${format(r.median, f.unit).padStart(11)}  p99 ${format(r.p99, f.unit).padStart(11)}  worst ${format(r.worst, f.unit).padStart(11)}  (n=${r.runs})`;
      if (r.baseline !== null) line += `\n  ${''.padEnd(56)} ${r.baseline}: ${format(r.baseline_median!, f.unit)}   ratio ${r.ratio === null ? '-' : r.ratio.toFixed(2)}`;
      process.stdout.write(line + '\n');
    }
  }
  if (json !== undefined) {
    await writeFile(json, JSON.stringify({ machine: machine(), results: rows }, null, 2) + '\n');
    process.stderr.write(`wrote ${json}\n`);
  }
  return 0;
}

function machine(): Record<string, unknown> {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? null, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release() };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
