import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve as absolute } from 'node:path';
import type { GitState } from '../shared/protocol/model.js';

/** How long `git status` may take before a checkpoint goes without the git state. */
const GIT_TIMEOUT_MS = 5_000;

/**
 * The git state of `dir` (HEAD, branch, dirty), or null when it is not in a
 * repository, HEAD has no commit yet, or git is missing or too slow. One `git status`
 * run, without optional locks, so an agent's own git commands are never blocked.
 */
export async function gitState(dir: string): Promise<GitState | null> {
  // Most sessions are not in a repository: a few stat calls spare them a git process.
  if (!inRepository(dir)) return null;
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, 'status', '--porcelain=v2', '--branch', '--untracked-files=normal'],
      { timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (error, stdout) => resolve(error === null ? parseStatus(stdout) : null),
    );
  });
}

/**
 * Whether git may find a repository for `dir`: GIT_DIR is set, or `dir` is inside a
 * work tree. A few stat calls, made synchronously: a stat of a cached inode costs a
 * few µs, one through the thread pool a tenth of a millisecond (a checkpoint's
 * reply waits for this).
 */
export function inRepository(dir: string): boolean {
  return process.env.GIT_DIR !== undefined || insideWorkTree(dir);
}

/** Whether `dir` or a directory above it holds `.git` (a directory, or a file for a worktree). */
function insideWorkTree(dir: string): boolean {
  for (let at = absolute(dir); ; at = dirname(at)) {
    try {
      if (statSync(`${at}/.git`, { throwIfNoEntry: false }) !== undefined) return true;
    } catch {
      // Not readable here (a directory without search permission): look one level up.
    }
    if (dirname(at) === at) return false;
  }
}

/** Reads `git status --porcelain=v2 --branch`. Exported for tests. */
export function parseStatus(output: string): GitState | null {
  let head: string | null = null;
  let branch: string | null = null;
  let dirty = false;
  for (const line of output.split('\n')) {
    if (line.startsWith('# branch.oid ')) head = line.slice('# branch.oid '.length);
    else if (line.startsWith('# branch.head ')) branch = line.slice('# branch.head '.length);
    else if (line !== '' && !line.startsWith('#')) dirty = true;
  }
  if (head === null || !/^[0-9a-f]{40,64}$/.test(head)) return null; // "(initial)": nothing committed yet
  return { head, branch: branch === null || branch === '(detached)' ? null : branch, dirty };
}
