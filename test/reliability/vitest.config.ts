import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: tests that try to break the daemon (kill -9 under load,
 * fuzzed frames, many clients, faults). Kept out of `npm test`'s include; each prints
 * its figures. Two files at a time: most of each file's time is spent waiting on a
 * daemon it is killing or a disk it has filled, and the suite must fit in `npm test`'s
 * time; a figure of one may bear some load of the other (README says so).
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'reliability',
    include: ['test/reliability/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Hang guards, not timing assertions.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
