import { STATUSES } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess ls`: session/list. */
export const spec = defineCommand({
  name: 'ls',
  group: 'Sessions',
  summary: 'List sessions',
  description: 'Lists sessions, oldest first, with their status and what they are doing. Filters combine.',
  options: {
    space: { alias: 's', type: 'string', value: 'SPACE', description: 'Only this space' },
    status: { type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Only these statuses (repeat for several)' },
    label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Only sessions with this label (repeat to require several)' },
    task: { type: 'string', value: 'ID', description: 'Only sessions of this task' },
    agentId: { type: 'string', value: 'ID', description: 'Only sessions of this agent' },
    waiting: { type: 'boolean', description: 'Only sessions whose program waits for a person (an approval, a question)' },
    wide: { alias: 'w', type: 'boolean', description: 'Show ids, pids, labels and directories too' },
    hosts: {
      type: 'string',
      value: 'HOST,...',
      description: 'List the sessions of these machines (names from the config file, or [USER@]HOST[:PORT]; `local` is this one), asked in parallel, with a HOST column',
    },
    allHosts: { type: 'boolean', description: "List this machine's sessions and those of every host in the config file" },
  },
  examples: ['sess ls', 'sess ls --waiting', 'sess ls -s work --status running', 'sess ls --hosts local,build,gpu', 'sess ls --json | jq -r ".sessions[].name"'],
});
