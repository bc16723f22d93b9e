import { REF_HELP, RESTART_POLICIES, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess update`: session/update. */
export const spec = defineCommand({
  name: 'update',
  group: 'Sessions',
  summary: "Rename a session, or change its restart policy, labels, context or approval policies",
  description: `Renames the session within its space (its id stays), changes its restart policy, sets and removes labels, and merges JSON into the session's context (RFC 7396: null removes a key), or replaces it. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    name: { alias: 'n', type: 'string', value: 'NAME', description: 'A new name, unique in its space' },
    restart: { type: 'string', value: 'POLICY', choices: RESTART_POLICIES, description: 'A new restart policy' },
    label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Set a label (repeat for more)' },
    unlabel: { type: 'strings', value: 'KEY', description: 'Remove a label (repeat for more)' },
    context: { type: 'string', value: 'JSON', description: 'A JSON object merged into the context' },
    replaceContext: { type: 'boolean', description: 'Replace the context with --context instead of merging' },
    policy: { type: 'string', value: 'on|off', choices: ['on', 'off'], description: 'Pause (off) or resume (on) approval policies for this session' },
  },
  examples: ['sess update api --name web', 'sess update api --restart on-failure', 'sess update api -l stage=review --unlabel draft', `sess update agent --context '{"ticket": "ENG-12"}'`, 'sess update agent --policy off'],
});
