import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  // The VS Code extension's tests run it against a faithful mock of the editor's API.
  resolve: { alias: { vscode: fileURLToPath(new URL('helpers/vscode-mock.ts', import.meta.url)) } },
  test: {
    name: 'integration',
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own config and command (npm run test:reliability).
    exclude: ['**/node_modules/**', 'test/reliability/**'],
    globalSetup: ['test/global-setup.ts'],
    // Hang guards, not timing assertions: a test waits on events and fails only if
    // one never comes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker runs file after file with one module cache: the helpers and vitest's
    // runtime are loaded once per worker, not once per file (about 1.4 s of CPU per file
    // on these cores). Files keep no state in shared modules: each starts its own
    // daemon, and the fake timers and editor mock are reset by the files that use them.
    isolate: false,
    // Files run side by side: each has its own daemon, tmux server and store, and most
    // of a file's time is spent waiting on them, not computing. (vitest's default on
    // two cores is one file at a time.)
    maxWorkers: 3,
    reporters: ['default'],
  },
});
