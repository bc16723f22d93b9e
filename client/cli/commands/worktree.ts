import { defineCommand } from '../spec.js';

/** `sess worktree ls`, `sess worktree prune`: worktree/list, worktree/prune. */

export const ls = defineCommand({
  name: 'worktree ls',
  group: 'Sessions',
  summary: "List sessions' git worktrees, and those kept after a delete",
  description: 'Lists the worktrees under sessd\'s worktree root: the session that owns each (or "-" for one kept when its session was deleted), its branch, and whether it has uncommitted changes or commits on no other branch.',
  options: {},
});

export const prune = defineCommand({
  name: 'worktree prune',
  group: 'Sessions',
  summary: 'Remove worktrees no session owns',
  description:
    'Removes the worktrees kept after their sessions were deleted, with the branches sessd made for them (a branch holding the only copy of commits stays). Worktrees with uncommitted changes or unmerged commits are kept unless --force.',
  options: {
    force: { alias: 'f', type: 'boolean', description: 'Remove worktrees with uncommitted or unmerged work too' },
    dryRun: { type: 'boolean', description: 'Say what would be removed; remove nothing' },
  },
});
