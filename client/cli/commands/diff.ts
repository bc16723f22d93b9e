import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess diff`: session/diff. */
export const spec = defineCommand({
  name: 'diff',
  group: 'Watching',
  summary: 'Show what a worktree session changed since its base',
  description: `Prints, as \`git diff\` does, everything the session changed in its worktree since the commit it started from: its commits, staged, unstaged and untracked files. Reading it changes nothing in the worktree. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    stat: { type: 'boolean', description: 'Changed files with counts (git diff --stat)' },
    nameOnly: { type: 'boolean', description: "Only the changed files' paths (git diff --name-only)" },
  },
  examples: ['sess diff agent', 'sess diff agent --stat', 'sess diff agent | less -R'],
});
