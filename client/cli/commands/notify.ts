import { defineCommand } from '../spec.js';

/** `sess notify test`: notify/test. */
export const test = defineCommand({
  name: 'notify test',
  group: 'sessd itself',
  summary: "Fire the config file's notification rules now, and show how each action went",
  description:
    'Fires RULE (its name, or its number in the file), or every rule, as if SESSION (default: a sample session named example) had started waiting. The notification is marked (test). Exits non-zero when an action failed.',
  args: [{ name: 'rule' }],
  options: { session: { alias: 's', type: 'string', value: 'SESSION', description: 'The session the notification is about' } },
  examples: ['sess notify test', 'sess notify test agents-wait', 'sess notify test 2 --session review'],
});
