import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess fork`: session/fork. */
export const spec = defineCommand({
  name: 'fork',
  group: 'Sessions',
  summary: 'Start a copy of a session in a new git worktree',
  description: `Makes a new worktree at the session's current commit, carries its uncommitted changes over (staged, unstaged and untracked files; the session's own tree is left as it is), and starts the same command there with the same environment, labels and context. With --checkpoint, starts from that checkpoint's commit and command instead. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    name: { alias: 'n', type: 'string', value: 'NAME', description: 'Name of the new session (default: NAME-fork)' },
    checkpoint: { type: 'number', value: 'N', description: 'Fork from checkpoint N (see sess checkpoints)' },
    noStart: { type: 'boolean', description: 'Record the new session without starting it' },
    attach: { alias: 'a', type: 'boolean', description: 'Attach to it right away' },
  },
  examples: ['sess fork agent', 'sess fork agent -n agent-b', 'sess fork agent --checkpoint 2 -n retry'],
});
