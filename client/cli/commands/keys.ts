import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess keys`: session/keys. */
export const spec = defineCommand({
  name: 'keys',
  group: 'Using a session',
  summary: 'Send tmux key names to a session (C-c, Escape, Up, Enter, ...)',
  description: `Each KEY is a tmux key name, sent as that key: C-c, M-x, Escape, Enter, Up, F5, or a single character. An unknown name is an error. ${REF_HELP}`,
  args: [SESSION_ARG, { name: 'key', variadic: true, required: true }],
  options: {},
  examples: ['sess keys api C-c', 'sess keys agent Escape Escape'],
});
