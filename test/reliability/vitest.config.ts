import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: tests that try to break the daemon (kill -9 under load,
 * fuzzed frames, many clients, faults). Kept out of `npm test`'s include; each prints
 * its figures. One file at a time, so that the figures of one do not bear the load of
 * another.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/reliability/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Hang guards, not timing assertions.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
