import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess send`: session/send. */
export const spec = defineCommand({
  name: 'send',
  group: 'Using a session',
  summary: 'Type text into a session, then press Enter',
  description: `Types TEXT (the words joined by spaces; read from standard input when there are none or when TEXT is -) exactly as given: tmux key names, #{formats}, ; and newlines are text. ${REF_HELP}`,
  args: [SESSION_ARG, { name: 'text', variadic: true }],
  options: {
    noEnter: { type: 'boolean', description: 'Do not press Enter after the text' },
    when: { type: 'string', value: 'WHEN', choices: ['now', 'idle'], description: 'now (default), or idle: queue it, typed the next time the program is idle (in order, one per idle)' },
    expires: { type: 'duration', value: 'DURATION', description: 'With --when idle: give up after this long, e.g. 10m (default 24h; plain numbers are milliseconds)' },
    force: { type: 'boolean', description: 'Type it even while the program shows a question (it would take the text as its answer)' },
  },
  examples: ['sess send api "npm test"', 'sess send --when idle --expires 10m agent "now run the tests"', 'git diff | sess send review', 'sess send --no-enter shell "ls -l"'],
});
