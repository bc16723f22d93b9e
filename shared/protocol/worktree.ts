import { z } from 'zod';
import { defineRequest } from './define.js';
import { name, sessionRef } from './fields.js';
import { SessionSchema } from './model.js';

/**
 * Worktrees and forks (README "Working with worktrees"): a session that owns a git
 * worktree (`Session.worktree`), what it changed, forking it, and the worktrees sessd
 * keeps under its worktree root.
 */

export const SessionDiffParamsSchema = z.strictObject({
  session: sessionRef,
  /** `git diff --stat`: changed files with counts instead of the patch. */
  stat: z.boolean().optional(),
  /** `git diff --name-only`: only the changed files' paths. */
  nameOnly: z.boolean().optional(),
});
export type SessionDiffParams = z.infer<typeof SessionDiffParamsSchema>;

export const SessionDiffResultSchema = z.object({
  /**
   * What the session changed since `base`: its commits, staged, unstaged and untracked
   * files (not ignored ones), as `git diff` prints it (a patch, `--stat` or
   * `--name-only`); empty when nothing changed. Reading it changes nothing in the worktree.
   */
  diff: z.string(),
  /** The commit compared with: the worktree's `baseCommit`. */
  base: z.string(),
  /** The worktree's HEAD now. */
  head: z.string(),
  /** The worktree's directory (the paths in `diff` are relative to it). */
  path: z.string(),
});
export type SessionDiffResult = z.infer<typeof SessionDiffResultSchema>;

export const SessionForkParamsSchema = z.strictObject({
  session: sessionRef,
  /** The new session's name; default `<name>-fork` (made unique with `-2`, `-3`, ...). */
  name: name.optional(),
  /**
   * Fork from this checkpoint of the source (its commit, command, environment and
   * context) instead of from its current state. A checkpoint taken with uncommitted
   * changes is refused (`invalid_state`): they were not saved.
   */
  checkpoint: z.number().int().min(1).optional(),
  /** Default true; `false` records the fork as `created` without starting it. */
  start: z.boolean().optional(),
});
export type SessionForkParams = z.infer<typeof SessionForkParamsSchema>;

/** One worktree under sessd's worktree root. */
export const WorktreeInfoSchema = z.object({
  path: z.string(),
  /** The repository's main working tree; null when git no longer reads the directory as a worktree. */
  repo: z.string().nullable(),
  /** The branch checked out; null for a detached HEAD or an unreadable worktree. */
  branch: z.string().nullable(),
  head: z.string().nullable(),
  /** The session that owns it (its id), or null for a worktree kept after its session was deleted. */
  session: z.string().nullable(),
  /** Uncommitted changes (staged, unstaged or untracked files). */
  dirty: z.boolean(),
  /** HEAD is on no other branch (nor a remote-tracking one): deleting its branch would lose commits. */
  unmerged: z.boolean(),
});
export type WorktreeInfo = z.infer<typeof WorktreeInfoSchema>;

export const WorktreeListResultSchema = z.object({ worktrees: z.array(WorktreeInfoSchema) });
export type WorktreeListResult = z.infer<typeof WorktreeListResultSchema>;

export const WorktreePruneParamsSchema = z.strictObject({
  /** Remove worktrees with uncommitted or unmerged work too. */
  force: z.boolean().optional(),
  /** Say what would be removed; remove nothing. */
  dryRun: z.boolean().optional(),
});
export type WorktreePruneParams = z.infer<typeof WorktreePruneParamsSchema>;

export const WorktreePruneResultSchema = z.object({
  /** Worktree directories removed (or, with `dryRun`, that would be). */
  removed: z.array(z.string()),
  /** Worktrees left in place, and why. */
  kept: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type WorktreePruneResult = z.infer<typeof WorktreePruneResultSchema>;

/** The session's changes since its worktree's base; `invalid_state` for a session without a worktree. */
export const SessionDiffRequest = defineRequest('session/diff', SessionDiffParamsSchema, SessionDiffResultSchema);
/**
 * A new session in a new worktree at the source's commit, with the source's
 * uncommitted changes (staged, unstaged, untracked) carried over and the source left
 * untouched; the same command, environment, labels and context.
 */
export const SessionForkRequest = defineRequest('session/fork', SessionForkParamsSchema, SessionSchema);
/** The worktrees under sessd's worktree root: the sessions' and those kept after a delete. */
export const WorktreeListRequest = defineRequest('worktree/list', z.strictObject({}), WorktreeListResultSchema);
/** Removes the worktrees no session owns (keeping those with work unless `force`), and git's records of vanished ones. */
export const WorktreePruneRequest = defineRequest('worktree/prune', WorktreePruneParamsSchema, WorktreePruneResultSchema);
