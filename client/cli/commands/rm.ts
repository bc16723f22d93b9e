import { lifecycle } from './lifecycle.js';

/** `sess rm`: session/delete, on named sessions or on a selector. */
export const spec = {
  ...lifecycle('rm', 'Delete sessions (stopping them first)', 'Stops each live session, then removes it with its tmux session and its record. A session\'s git worktree goes too, unless it has uncommitted changes or commits on no other branch: then it is kept (and said so) until `sess worktree prune`.', {
  force: { alias: 'f', type: 'boolean', description: 'Kill live programs at once (SIGKILL), and remove worktrees holding work' },
}),
  group: 'Sessions' as const,
};
