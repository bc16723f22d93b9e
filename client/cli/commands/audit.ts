import { REF_HELP } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess audit`: audit/list. */
export const spec = defineCommand({
  name: 'audit',
  group: 'Answering',
  summary: 'Show the decisions taken on approvals: by a policy rule or by a person',
  description: `Every decision on a session's approvals and questions, oldest first: when, what was to be approved, the decision (approve, deny, ask: left to a person, answer), and who took it (the rule, or the client a person used). Without SESSION, every session's. ${REF_HELP}`,
  args: [{ name: 'session', complete: 'session' }],
  options: {
    since: { type: 'string', value: 'WHEN', description: 'Only decisions at most this long ago (10m, 2h, 7d) or since an ISO time' },
  },
  examples: ['sess audit agent', 'sess audit --since 1h', 'sess audit agent --json'],
});
