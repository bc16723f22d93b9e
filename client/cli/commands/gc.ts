import { STATUSES } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess gc`: session/gc. */
export const spec = defineCommand({
  name: 'gc',
  group: 'Sessions',
  summary: 'Delete sessions that ended long ago, with their checkpoints and transcripts',
  description: 'Deletes stopped, exited and crashed sessions (or those in --status) that ended at least DURATION ago. Live and suspended sessions are kept unless you name their status.',
  options: {
    olderThan: { type: 'string', value: 'DURATION', description: 'How long ago they ended: 7d, 12h, 30m, 0s' },
    status: { type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Only these statuses (repeat for several)' },
  },
  examples: ['sess gc --older-than 7d', 'sess gc --older-than 0s --status crashed'],
});
