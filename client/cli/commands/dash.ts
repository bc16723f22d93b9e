import { defineCommand } from '../spec.js';

/** `sess dash`: the full-screen dashboard (client/cli/dash/). */
export const spec = defineCommand({
  name: 'dash',
  group: 'Watching',
  summary: 'A live full-screen dashboard: every session, the ones waiting for you first',
  description:
    "Sessions grouped by space with status, activity, age and their latest line of output; the selected session's screen below, and its open question with its choices. Follows sessd's events as they happen and reconnects when sessd restarts. Keys: Enter attach (detach to come back), a approve, d deny, 1-9 answer, s send (S: when idle), i interrupt, n new, x stop, / filter, ? help, q quit.",
  options: { filter: { alias: 'f', type: 'string', value: 'TEXT', description: 'Start with this filter (name, space, status, agent or label)' } },
  examples: ['sess dash', 'sess dash --filter agents/'],
});
