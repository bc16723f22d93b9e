import { lifecycle } from './lifecycle.js';

/** `sess rm`: session/delete, on named sessions or on a selector. */
export const spec = {
  ...lifecycle('rm', 'Delete sessions (stopping them first)', 'Stops each live session, then removes it with its tmux session and its record.', {
  force: { alias: 'f', type: 'boolean', description: 'Kill live programs at once (SIGKILL)' },
}),
  group: 'Sessions' as const,
};
