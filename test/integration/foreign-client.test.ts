import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useDaemon } from '../helpers/harness.js';

const run = promisify(execFile);
const h = useDaemon();
const hasPython = await run('python3', ['--version']).then(
  () => true,
  () => false,
);
if (!hasPython) console.log('foreign client: skipped, python3 is not installed');

/** DESIGN.md is the contract: a client in another language, written from it alone, drives the lifecycle. */
describe.skipIf(!hasPython)('a client in Python, using only the documented protocol', () => {
  it('drives the whole session lifecycle', async () => {
    const script = resolve(import.meta.dirname, '..', 'clients', 'lifecycle.py');
    const { stdout } = await run('python3', [script, h.paths.socket, h.dir]).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the Python client failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { done: string[] };
    expect(last.done).toEqual([
      'refused before initialize',
      'initialized',
      'subscribed',
      'created',
      'found by name and by label',
      'updated',
      'sent, answered, exited',
      'started again and typed keys',
      'paused, resumed, stopped, restarted, interrupted',
      'deleted by selector',
      'errors as documented',
    ]);
  });
});
