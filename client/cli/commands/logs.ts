import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess logs`: session/transcript, then transcript/follow with -f. */
export const spec = defineCommand({
  name: 'logs',
  group: 'Using a session',
  summary: "Print a session's output transcript, as readable text",
  description: `Prints what the session's program wrote, from its start (or from byte OFFSET), with terminal escape sequences (colours, cursor moves, titles) taken out; --raw prints the bytes as they came. With -f, keeps printing new output, and carries on where it stopped when sessd restarts. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    follow: { alias: 'f', type: 'boolean', description: 'Keep printing new output' },
    tail: { alias: 'n', type: 'number', value: 'N', description: 'Only the last N lines (then, with -f, what comes next)' },
    from: { type: 'number', value: 'OFFSET', description: 'Start at this byte offset' },
    since: { type: 'string', value: 'DURATION|TIME', description: 'Start with the output written since then: 10m (ago), 14:05 (today), 2026-12-01T14:05' },
    raw: { type: 'boolean', description: 'The bytes as the program wrote them, escape sequences and all' },
  },
  examples: ['sess logs api', 'sess logs -f --tail 20 api', 'sess logs --since 10m api', 'sess logs --raw api > api.typescript'],
});
