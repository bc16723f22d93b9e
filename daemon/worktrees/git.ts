import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** How long one git command may take: a worktree checkout of a large repository is the slowest. */
const GIT_TIMEOUT_MS = 120_000;
/** The most output one git command may print (a diff of a large change). */
const GIT_MAX_OUTPUT = 256 * 1024 * 1024;

/** Variables of sessd's own environment that would point git at another repository or index. */
const GIT_PRIVATE_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

/** A git command that failed: its argv and what it printed on stderr. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args.join(' ')}: ${stderr.trim().split('\n').at(-1) ?? 'failed'}`);
    this.name = 'GitError';
  }
}

/** Runs `git -C dir ARGS` (argv, never a shell) and returns its stdout. */
export function git(dir: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
  for (const key of GIT_PRIVATE_ENV) delete env[key];
  const argv = ['-C', dir, ...args];
  return new Promise((resolvePromise, reject) => {
    execFile('git', argv, { timeout: GIT_TIMEOUT_MS, maxBuffer: GIT_MAX_OUTPUT, env: { ...env, ...extraEnv } }, (error, stdout, stderr) => {
      if (error === null) resolvePromise(stdout);
      else reject(new GitError(args, stderr || error.message, typeof error.code === 'number' ? error.code : null));
    });
  });
}

/** Like `git`, but a failure is null (for questions whose "no" is an exit status). */
export async function gitMaybe(dir: string, args: readonly string[]): Promise<string | null> {
  try {
    return await git(dir, args);
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

export interface RepoInfo {
  /** The working tree `dir` is in. */
  top: string;
  /** `dir` relative to `top` (`''` at the top, else ending in `/`). */
  prefix: string;
  /** The repository's shared git directory (`.../.git`). */
  commonDir: string;
  /** The main working tree: the directory holding `commonDir`. */
  main: string;
}

/** The repository `dir` is in, or null when it is in none. */
export async function repoInfo(dir: string): Promise<RepoInfo | null> {
  const out = await gitMaybe(dir, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--show-prefix']);
  if (out === null) return null;
  const [top, commonDir, prefix] = out.split('\n');
  if (top === undefined || top === '' || commonDir === undefined) return null; // a bare repository has no working tree
  return { top, commonDir, prefix: prefix ?? '', main: commonDir.endsWith('/.git') ? dirname(commonDir) : top };
}

/** The commit `ref` names in `dir`, or null. */
export async function commitOf(dir: string, ref: string): Promise<string | null> {
  const out = await gitMaybe(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return out === null ? null : out.trim();
}

/** Whether `name` is a valid branch name. */
export async function validBranchName(dir: string, name: string): Promise<boolean> {
  return (await gitMaybe(dir, ['check-ref-format', '--branch', name])) !== null && !name.startsWith('-');
}

export async function branchExists(dir: string, branch: string): Promise<boolean> {
  return (await gitMaybe(dir, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])) !== null;
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  branch: string | null;
}

/** `git worktree list`: every working tree of the repository, the main one first. */
export async function listWorktrees(dir: string): Promise<WorktreeEntry[]> {
  const out = await git(dir, ['worktree', 'list', '--porcelain', '-z']);
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) entries.push((current = { path: field.slice('worktree '.length), head: null, branch: null }));
    else if (current !== null && field.startsWith('HEAD ')) current.head = field.slice('HEAD '.length);
    else if (current !== null && field.startsWith('branch ')) current.branch = field.slice('branch '.length).replace(/^refs\/heads\//, '');
  }
  return entries;
}

/** Whether the working tree has uncommitted changes: staged, unstaged or untracked files. */
export async function isDirty(dir: string): Promise<boolean> {
  return (await git(dir, ['status', '--porcelain', '--untracked-files=normal'])).trim() !== '';
}

/** Whether HEAD is on no branch but `ownBranch` (local or remote-tracking): its commits would be lost with that branch. */
export async function isUnmerged(dir: string, ownBranch: string | null): Promise<boolean> {
  const out = await git(dir, ['for-each-ref', '--contains', 'HEAD', '--format=%(refname)', 'refs/heads', 'refs/remotes']);
  return !out.split('\n').some((ref) => ref !== '' && ref !== `refs/heads/${ownBranch}`);
}

/**
 * The whole working state of `dir` as trees, touching nothing in it: `index` is the
 * staged state, `work` the files on disk (tracked and untracked, not ignored). Both
 * are written from a copy of the index, so the worktree's own index stays as it was.
 */
export async function snapshot(dir: string): Promise<{ index: string; work: string }> {
  const scratch = await mkdtemp(join(tmpdir(), 'sessd-index-'));
  try {
    const indexFile = join(scratch, 'index');
    const real = resolve(dir, (await git(dir, ['rev-parse', '--git-path', 'index'])).trim());
    try {
      await copyFile(real, indexFile);
    } catch {
      // No index yet (nothing ever staged): an empty one starts from scratch below.
    }
    const env = { GIT_INDEX_FILE: indexFile };
    const index = (await git(dir, ['write-tree'], env)).trim();
    await git(dir, ['add', '--all', '--', '.'], env);
    const work = (await git(dir, ['write-tree'], env)).trim();
    return { index, work };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * `git diff` from `base` to the working state of `dir` (commits, staged, unstaged and
 * untracked files), with `flags` (`--stat`, `--name-only`); nothing in `dir` changes.
 */
export async function diffSince(dir: string, base: string, flags: readonly string[]): Promise<string> {
  const { work } = await snapshot(dir);
  return git(dir, ['diff', '--no-color', '--no-ext-diff', ...flags, base, work, '--']);
}

/** Makes a fresh worktree's files `work` and its index `index` (from `snapshot`): the source's uncommitted state. */
export async function applySnapshot(dir: string, state: { index: string; work: string }): Promise<void> {
  await git(dir, ['read-tree', '--reset', '-u', state.work]);
  await git(dir, ['read-tree', state.index]);
}
