import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess capture`: session/capture. */
export const spec = defineCommand({
  name: 'capture',
  group: 'Using a session',
  summary: "Print a session's screen",
  description: `Prints the visible screen, or the last LINES lines of history and screen. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    lines: { alias: 'n', type: 'number', value: 'LINES', description: 'The last LINES lines, scrollback included' },
    ansi: { type: 'boolean', description: 'Keep colours and attributes as escape sequences' },
  },
  examples: ['sess capture api', 'sess capture -n 500 agent > agent.txt'],
});
