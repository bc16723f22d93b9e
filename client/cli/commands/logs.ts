import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess logs`: session/transcript, then transcript/follow with -f. */
export const spec = defineCommand({
  name: 'logs',
  group: 'Using a session',
  summary: "Print a session's output transcript",
  description: `Prints what the session's program wrote, from its start (or from byte OFFSET). With -f, keeps printing new output. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    follow: { alias: 'f', type: 'boolean', description: 'Keep printing new output' },
    from: { type: 'number', value: 'OFFSET', description: 'Start at this byte offset' },
  },
});
