import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess wait`: events/subscribe, then session/get, until the session reaches a state. */

export const WAIT_STATES = ['idle', 'waiting', 'exited', 'running'] as const;

export const spec = defineCommand({
  name: 'wait',
  group: 'Watching',
  summary: 'Wait until a session is idle, waiting for an answer, exited or running',
  description: `Returns as soon as SESSION reaches the state given with --until (at once when it is in it already), from sessd's events: nothing is polled. idle and waiting are activities of a running program; exited means the program no longer runs (exited, stopped, crashed or suspended). ${REF_HELP}\n\nExit codes: 0 the state was reached; 5 --timeout ran out first; 1 the state cannot come any more (the session was deleted, or it ended with no restart policy while you waited for it to be idle, waiting or running); 3 sessd went away; 4 no such session.`,
  args: [SESSION_ARG],
  options: {
    until: { alias: 'u', type: 'string', value: 'STATE', choices: WAIT_STATES, description: 'The state to wait for (required)' },
    timeout: { alias: 't', type: 'duration', value: 'DURATION', description: 'Give up after this long, e.g. 30s or 5m (default: wait as long as it takes)' },
  },
  examples: ['sess wait agent --until idle && sess send agent "next step"', 'sess wait build --until exited --timeout 10m', 'sess wait agent -u waiting -t 1h && sess inbox'],
});
