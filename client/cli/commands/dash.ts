import { defineCommand } from '../spec.js';

/** `sess dash`: the full-screen dashboard (client/cli/dash/). */
export const spec = defineCommand({
  name: 'dash',
  group: 'Watching',
  summary: 'A live full-screen dashboard: every session, the ones waiting for you first',
  description:
    "Sessions grouped by space with status, activity, age and their latest line of output; the selected session's screen below, and its open question with its choices. Follows sessd's events as they happen and reconnects when sessd restarts. With --hosts, one dashboard across machines: a HOST column, and every key acts on the session's own machine (Enter attaches there over ssh -t). Keys: Enter attach (detach to come back), a approve, d deny, 1-9 answer, s send (S: when idle), i interrupt, n new, x stop, / filter, ? help, q quit.",
  options: {
    filter: { alias: 'f', type: 'string', value: 'TEXT', description: 'Start with this filter (name, space, status, agent, label or host)' },
    hosts: {
      type: 'string',
      value: 'HOST,...',
      description:
        'One dashboard across these machines (names from the config file, or [USER@]HOST[:PORT]; `local` is this one), each followed over its own connection, with a HOST column; a host that does not answer is shown with why, and retried',
    },
    allHosts: { type: 'boolean', description: "Show this machine's sessions and those of every host in the config file" },
  },
  examples: ['sess dash', 'sess dash --filter agents/', 'sess dash --hosts local,build,gpu', 'sess dash --all-hosts'],
});
