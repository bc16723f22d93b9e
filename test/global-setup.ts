import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { processesMentioning } from './helpers/processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRoot: string;
  }
}

/**
 * One directory holds every socket, store and temp file of the run. Afterwards no
 * process may still mention it (a daemon, a tmux server or client, a program in a
 * pane whose TMUX points there): if one does, it is killed and the run fails.
 */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'sessd-t-'));
  project.provide('testRoot', root);
  return () => {
    const leaked = processesMentioning(root);
    for (const p of leaked) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Gone between the scan and the kill: nothing left to clean.
      }
    }
    rmSync(root, { recursive: true, force: true });
    if (leaked.length > 0) {
      throw new Error(`the tests left ${leaked.length} process(es) running:\n${leaked.map((p) => `  ${p.pid} ${p.cmdline}`).join('\n')}`);
    }
  };
}
