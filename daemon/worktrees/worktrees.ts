import { createHash } from 'node:crypto';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { SessionWorktree } from '../../shared/protocol/model.js';
import { errors, sessdError } from '../errors.js';
import { applySnapshot, branchExists, commitOf, git, gitMaybe, isDirty, isUnmerged, listWorktrees, validBranchName, type RepoInfo } from './git.js';

/** The prefix of the branches sessd makes: `sess/<name>`. */
export const BRANCH_PREFIX = 'sess/';

/** A file or directory name from a session name: what git and shells take without quoting. */
function safe(text: string): string {
  const out = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').replace(/\.lock$/, '-lock');
  return out === '' ? 'session' : out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface OpenRequest {
  repo: RepoInfo;
  /** The session's name and space: they name the directory and the default branch. */
  name: string;
  space: string;
  /** A branch the request named (reused when it exists); default `sess/<name>`, made new. */
  branch?: string | undefined;
  /** Where a new branch starts: a ref, resolved in the repository; default HEAD. Refused with an existing branch. */
  base?: string | undefined;
  /** The request's field names, for errors. */
  fields: { branch: string; base: string };
  /** Files and index to give the new worktree (a fork's uncommitted state). */
  state?: { index: string; work: string } | undefined;
}

/**
 * The worktrees sessd makes, one per session, under its worktree root:
 * `<root>/<repo name>-<hash of its git dir>/<session name>` (`<space>.<name>` outside
 * the default space). Only git's own commands change them (`worktree add`/`remove`),
 * so the repository always knows its worktrees.
 */
export class Worktrees {
  constructor(
    /** The worktree root now (the config file may move it; existing worktrees stay where they are). */
    private readonly root: () => string,
  ) {}

  /** The directory for a session's worktree in `repo`. */
  pathFor(repo: RepoInfo, space: string, name: string): string {
    const hash = createHash('sha256').update(repo.commonDir).digest('hex').slice(0, 8);
    return join(this.root(), `${safe(basename(repo.main))}-${hash}`, safe(space === 'default' ? name : `${space}.${name}`));
  }

  /** Checks what `open` would check, creating nothing (a dry run). */
  async check(request: OpenRequest): Promise<{ path: string; branch: string; base: string; reuse: boolean }> {
    const { repo, fields } = request;
    const path = this.pathFor(repo, request.space, request.name);
    for (const inside of [repo.top, repo.main]) {
      const rel = relative(inside, path);
      if (rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'))) {
        throw sessdError('invalid_config', `the worktree root ${this.root()} is inside the repository ${inside}; set worktrees.dir elsewhere`, {
          field: 'worktrees.dir',
        });
      }
    }
    if (await exists(path)) {
      throw errors.invalidParams('name', `the worktree directory exists: ${path} (kept from an earlier session? see sess worktree ls)`);
    }
    const named = request.branch !== undefined;
    const branch = request.branch ?? `${BRANCH_PREFIX}${safe(request.space === 'default' ? request.name : `${request.space}/${request.name}`)}`;
    if (!(await validBranchName(repo.top, branch))) throw errors.invalidParams(named ? fields.branch : 'name', `not a valid branch name: ${branch}`);
    if (await branchExists(repo.top, branch)) {
      if (!named) throw errors.invalidParams('name', `branch ${branch} exists; name it to reuse it, or choose another session name`);
      const holder = (await listWorktrees(repo.top)).find((w) => w.branch === branch);
      if (holder !== undefined) throw errors.invalidParams(fields.branch, `branch ${branch} is already checked out at ${holder.path}`);
      if (request.base !== undefined) throw errors.invalidParams(fields.base, `branch ${branch} exists: a base applies only to a new branch`);
      const tip = await commitOf(repo.top, `refs/heads/${branch}`);
      return { path, branch, base: tip!, reuse: true };
    }
    const ref = request.base ?? 'HEAD';
    const base = await commitOf(repo.top, ref);
    if (base === null) {
      const unborn = ref === 'HEAD' && (await commitOf(repo.top, 'HEAD')) === null;
      throw errors.invalidParams(fields.base, unborn ? `the repository ${repo.top} has no commit yet` : `no such commit: ${ref}`);
    }
    return { path, branch, base, reuse: false };
  }

  /** Makes the worktree (and its branch, unless an existing one is reused). */
  async open(request: OpenRequest): Promise<SessionWorktree> {
    const { path, branch, base, reuse } = await this.check(request);
    await mkdir(resolve(path, '..'), { recursive: true, mode: 0o700 });
    await git(request.repo.top, ['worktree', 'add', '--quiet', ...(reuse ? [path, branch] : ['-b', branch, path, base])]);
    const worktree: SessionWorktree = { repo: request.repo.main, path, branch, baseCommit: base, ownsBranch: !reuse };
    try {
      if (request.state !== undefined) await applySnapshot(path, request.state);
    } catch (error) {
      await this.remove(worktree, true);
      throw error;
    }
    return worktree;
  }

  /** What would be lost with the worktree: null when nothing. */
  async atRisk(worktree: Pick<SessionWorktree, 'path' | 'branch' | 'ownsBranch'>): Promise<string | null> {
    const dirty = await isDirty(worktree.path);
    const unmerged = worktree.ownsBranch && (await isUnmerged(worktree.path, worktree.branch));
    if (dirty && unmerged) return `it has uncommitted changes, and commits on no branch but ${worktree.branch}`;
    if (dirty) return 'it has uncommitted changes';
    if (unmerged) return `branch ${worktree.branch} has commits on no other branch`;
    return null;
  }

  /**
   * Removes the worktree unless it holds work (uncommitted changes, or commits only on
   * a branch sessd made) and `force` is off; a branch sessd made goes with it unless
   * it holds the only copy of commits (then it stays, even with `force`). Returns
   * what was kept and why, or null when everything went.
   */
  async remove(worktree: SessionWorktree, force: boolean): Promise<string | null> {
    if (!(await exists(worktree.path))) {
      await gitMaybe(worktree.repo, ['worktree', 'prune']);
    } else {
      const risk = await this.atRisk(worktree);
      if (risk !== null && !force) return `worktree ${worktree.path} kept: ${risk}; sess worktree prune --force removes it`;
      await git(worktree.repo, ['worktree', 'remove', '--force', worktree.path]);
    }
    await rmdir(resolve(worktree.path, '..')).catch(() => undefined); // other worktrees of the repository still in it
    if (!worktree.ownsBranch || !(await branchExists(worktree.repo, worktree.branch))) return null;
    const merged = (await gitMaybe(worktree.repo, ['for-each-ref', '--contains', `refs/heads/${worktree.branch}`, '--format=%(refname)', 'refs/heads', 'refs/remotes']))
      ?.split('\n')
      .some((ref) => ref !== '' && ref !== `refs/heads/${worktree.branch}`);
    if (merged !== true) return `branch ${worktree.branch} kept: it has commits on no other branch`;
    await git(worktree.repo, ['branch', '-D', '--', worktree.branch]);
    return null;
  }

  /** Every worktree directory under the root (`<root>/<repo>/<session>` holding a `.git` file). */
  async scan(): Promise<string[]> {
    const found: string[] = [];
    const root = this.root();
    for (const repo of await readdir(root).catch(() => [] as string[])) {
      for (const dir of await readdir(join(root, repo)).catch(() => [] as string[])) {
        if (await exists(join(root, repo, dir, '.git'))) found.push(join(root, repo, dir));
      }
    }
    return found;
  }
}
