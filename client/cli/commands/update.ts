import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess update`: session/update. */
export const spec = defineCommand({
  name: 'update',
  group: 'Sessions',
  summary: "Change a session's labels or context",
  description: `Sets and removes labels, and merges JSON into the session's context (RFC 7396: null removes a key), or replaces it. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Set a label (repeat for more)' },
    unlabel: { type: 'strings', value: 'KEY', description: 'Remove a label (repeat for more)' },
    context: { type: 'string', value: 'JSON', description: 'A JSON object merged into the context' },
    replaceContext: { type: 'boolean', description: 'Replace the context with --context instead of merging' },
  },
  examples: ['sess update api -l stage=review --unlabel draft', `sess update agent --context '{"ticket": "ENG-12"}'`],
});
