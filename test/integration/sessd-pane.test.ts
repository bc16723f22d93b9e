import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/daemon.js';
import { processesMentioning } from '../helpers/processes.js';

const PANE = join(REPO, 'dist', 'daemon', 'sessd-pane');
/** Runs enough to land signals across sessd-pane's whole start (before, during and after its fork). */
const RUNS = 200;
/** Largest wait before the signal, in microseconds: sessd-pane forks within about a millisecond of starting. */
const MAX_DELAY_US = 1_500;

/** Busy-waits `us` microseconds: a timer cannot wait less than a millisecond. */
function spin(us: number): void {
  const until = process.hrtime.bigint() + BigInt(us) * 1000n;
  while (process.hrtime.bigint() < until);
}

describe('sessd-pane', () => {
  it('takes its program down with it whenever SIGTERM arrives, during its fork included', async () => {
    // Inherited by the program (and by sessd-pane's copy of itself before exec): finds any left running.
    const marker = `SESSD_PANE_TEST_RUN=${process.pid}-${Date.now()}`;
    const [name, value] = marker.split('=') as [string, string];
    for (let i = 0; i < RUNS; i++) {
      const pane = spawn(PANE, ['sleep', '60'], { env: { ...process.env, [name]: value }, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => pane.once('exit', (_code, signal) => resolve(signal)));
      spin((i * 37) % MAX_DELAY_US);
      pane.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
    }
    const orphans = processesMentioning(marker);
    for (const { pid } of orphans) process.kill(pid, 'SIGKILL');
    expect(orphans).toEqual([]);
  });
});
