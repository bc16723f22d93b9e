/**
 * `npm run bench [-- --quick] [--json] [SUITE...]`: measures sessd against raw tmux
 * (and other baselines) in the same run, on private tmux servers and temp dirs, and
 * prints medians and ratios. Nothing here asserts a speed: the figures are for
 * people (and for --json consumers) to read.
 */
import { benchDir, median } from './env.js';
import { attach } from './attach.js';
import { durability } from './durability.js';

export interface SuiteOptions {
  /** Fewer rounds and smaller workloads, for a quick look. */
  quick: boolean;
}

export interface Figure {
  name: string;
  /** `ms`: lower is better; `MiB/s`: higher is better. */
  unit: 'ms' | 'MiB/s';
  sessd: number[];
  baseline?: { name: string; values: number[] };
}

type Suite = (dir: string, options: SuiteOptions) => Promise<Figure[]>;

const SUITES: Record<string, Suite> = { durability, attach };

const USAGE = `usage: npm run bench -- [--quick] [--json] [SUITE...]
suites: ${Object.keys(SUITES).join(', ')} (default: all)`;

function format(value: number, unit: Figure['unit']): string {
  return unit === 'ms' ? `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms` : `${value.toFixed(1)} MiB/s`;
}

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('-')));
  for (const flag of flags) {
    if (flag !== '--quick' && flag !== '--json') {
      process.stderr.write(`bench: unknown option ${flag}\n${USAGE}\n`);
      return 2;
    }
  }
  const names = argv.filter((a) => !a.startsWith('-'));
  for (const name of names) {
    if (SUITES[name] === undefined) {
      process.stderr.write(`bench: no suite ${name}\n${USAGE}\n`);
      return 2;
    }
  }
  const options: SuiteOptions = { quick: flags.has('--quick') };
  const json = flags.has('--json');
  const results: { suite: string; figures: Figure[] }[] = [];
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    if (!json) process.stderr.write(`running ${name}${options.quick ? ' (quick)' : ''}...\n`);
    const { dir, remove } = await benchDir();
    try {
      results.push({ suite: name, figures: await SUITES[name]!(dir, options) });
    } finally {
      await remove();
    }
  }
  if (json) {
    const out = results.flatMap(({ suite, figures }) =>
      figures.map((f) => ({
        suite,
        name: f.name,
        unit: f.unit,
        runs: f.sessd.length,
        median: median(f.sessd),
        ...(f.baseline === undefined ? {} : { baseline: { name: f.baseline.name, median: median(f.baseline.values) }, ratio: median(f.sessd) / median(f.baseline.values) }),
      })),
    );
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  for (const { suite, figures } of results) {
    process.stdout.write(`\n${suite} (medians; ratio = sessd / baseline)\n`);
    for (const f of figures) {
      const ours = median(f.sessd);
      let line = `  ${f.name.padEnd(44)} ${format(ours, f.unit).padStart(12)}  (n=${f.sessd.length})`;
      if (f.baseline !== undefined) {
        const theirs = median(f.baseline.values);
        line += `   ${f.baseline.name}: ${format(theirs, f.unit)}   ${(ours / theirs).toFixed(2)}x`;
      }
      process.stdout.write(line + '\n');
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
