import { REF_HELP } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess messages`, `messages cancel`: message/list, message/cancel. */

export const MESSAGE_STATUSES = ['queued', 'delivered', 'failed', 'expired', 'cancelled'] as const;

export const messages = defineCommand({
  name: 'messages',
  aliases: ['messages ls'],
  group: 'Using a session',
  summary: 'List messages sent to sessions: queued ones (--when idle) and delivered ones',
  description: `Every message of SESSION (or of every session), oldest first: its id, session, status, age and the start of its text. Cancel a queued one with \`sess messages cancel ID\`. ${REF_HELP}`,
  args: [{ name: 'session', complete: 'session' }],
  options: {
    status: { type: 'string', value: 'STATUS', choices: MESSAGE_STATUSES, description: 'Only messages in this status' },
  },
  examples: ['sess messages', 'sess messages agent --status queued', 'sess messages cancel m1a2b3c4d5e'],
});

export const cancel = defineCommand({
  name: 'messages cancel',
  group: 'Using a session',
  summary: 'Cancel a queued message before it is typed',
  description: 'ID is the id `sess messages` shows (or the one `sess send --when idle` printed). A message already typed cannot be cancelled.',
  args: [{ name: 'id', required: true }],
  options: {},
  examples: ['sess messages cancel m1a2b3c4d5e'],
});
