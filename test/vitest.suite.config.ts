import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Reliability files first, then the rest in vitest's own order (longest or largest
 * first): they are the longest files, and a long file started last is the run's tail.
 */
class ReliabilityFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const reliability = (f: TestSpecification): boolean => f.project.name === 'reliability';
    return [...sorted.filter(reliability), ...sorted.filter((f) => !reliability(f))];
  }
}

/**
 * Files at a time, on two cores: most of a file's time is spent waiting on its daemon,
 * tmux server and store (and their syncs to disk), not computing.
 */
const WORKERS = 4;

/**
 * `npm test`'s test stage: the unit and integration tests and the reliability tests
 * in one run, sharing one pool of workers, so the two cores stay busy until the last
 * file ends instead of idling through the reliability suite's long files. Each
 * project keeps its own settings (timeouts, isolation, include).
 */
export default defineConfig({
  test: {
    // One pool for both: vitest runs projects with the same `maxWorkers` side by side.
    projects: [
      { extends: './test/vitest.config.ts', test: { maxWorkers: WORKERS } },
      { extends: './test/reliability/vitest.config.ts', test: { maxWorkers: WORKERS } },
    ],
    maxWorkers: WORKERS,
    sequence: { sequencer: ReliabilityFirst },
    reporters: ['default'],
  },
});
