import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess attach`: tmux attach on sessd's server, or session/attach with --via-daemon. */
export const spec = defineCommand({
  name: 'attach',
  group: 'Using a session',
  summary: 'Attach your terminal to a session (detach with the tmux prefix, then d)',
  description: `Runs tmux attach on sessd's private tmux server, in this terminal. Detaching (Ctrl-b d) leaves the session running. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    readOnly: { alias: 'r', type: 'boolean', description: 'Watch without typing into it' },
    viaDaemon: { type: 'boolean', description: 'Stream the terminal through sessd instead of running tmux here (Ctrl-] detaches)' },
  },
  examples: ['sess attach api', 'sess attach --read-only work/agent', 'sess attach --via-daemon api'],
});
