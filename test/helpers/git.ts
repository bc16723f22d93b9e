import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './daemon.js';

/** git's identity and config for the test's own commits: never the user's. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
}

/** A repository on `main` with two commits of `shared.txt`. */
export async function repository(): Promise<{ dir: string; first: string; head: string }> {
  const dir = await tempDir('repo');
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'shared.txt'), 'one\n');
  git(dir, 'add', 'shared.txt');
  git(dir, 'commit', '-q', '-m', 'one');
  const first = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'shared.txt'), 'two\n');
  git(dir, 'commit', '-q', '-am', 'two');
  return { dir, first, head: git(dir, 'rev-parse', 'HEAD') };
}


/**
 * One change of each kind in the checkout at `dir`: `committed.txt` committed,
 * `staged.txt` staged, `shared.txt` changed but not staged, `untracked.txt` new;
 * each file holds its kind's name. Returns `git status --porcelain` after.
 */
export function changeEveryWay(dir: string): string {
  writeFileSync(join(dir, 'committed.txt'), 'committed\n');
  git(dir, 'add', 'committed.txt');
  git(dir, 'commit', '-q', '-m', 'committed');
  writeFileSync(join(dir, 'staged.txt'), 'staged\n');
  git(dir, 'add', 'staged.txt');
  writeFileSync(join(dir, 'shared.txt'), 'unstaged\n');
  writeFileSync(join(dir, 'untracked.txt'), 'untracked\n');
  return git(dir, 'status', '--porcelain');
}
