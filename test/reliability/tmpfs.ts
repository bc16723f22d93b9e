import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/daemon.js';
import { figure } from './figures.js';

const run = promisify(execFile);

/**
 * A temp dir whose `state` subdirectory is a tmpfs of `size` (for filling a disk), or
 * null with a `skipped` figure for `test` where one cannot be mounted (not root). The
 * caller unmounts `state`. mode=0700: a tmpfs root is 1777 otherwise, and sessd
 * refuses a state dir that others may write in.
 */
export async function smallStateDir(test: string, size: string): Promise<{ dir: string; state: string } | null> {
  if (process.getuid?.() !== 0) {
    figure(test, 'skipped', 'mounting a small tmpfs needs root');
    return null;
  }
  const dir = await tempDir();
  const state = join(dir, 'state');
  await mkdir(state);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', state]);
  } catch (error) {
    figure(test, 'skipped', `cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
  return { dir, state };
}
