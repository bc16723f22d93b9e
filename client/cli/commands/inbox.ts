import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess inbox`, `approve`, `deny`, `answer`: interaction/list and interaction/respond (session/approve). */

export const inbox = defineCommand({
  name: 'inbox',
  group: 'Answering',
  summary: 'List the questions sessions wait on (approvals, prompts)',
  description: 'Every open interaction across sessions: the question on screen and its choices. Answer with sess approve, sess deny or sess answer.',
  options: {},
  examples: ['sess inbox', 'sess inbox --json'],
});

export const approve = defineCommand({
  name: 'approve',
  group: 'Answering',
  summary: "Approve what a session's program asks permission for",
  description: `Picks the approving choice (Yes) of the session's open approval, typed the way its program takes it. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {},
  examples: ['sess approve agent'],
});

export const deny = defineCommand({
  name: 'deny',
  group: 'Answering',
  summary: "Deny what a session's program asks permission for",
  description: `Picks the denying choice (No) of the session's open approval. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {},
  examples: ['sess deny agent'],
});

export const answer = defineCommand({
  name: 'answer',
  group: 'Answering',
  summary: "Answer the question a session's program asks",
  description: `CHOICE is a choice's id (1, 2, y, ...) or the start of its label (yes, no); --text types free text and Enter instead, into any session: when no question is open (a prompt no profile knows, such as read -p), the text is typed all the same. ${REF_HELP}`,
  args: [SESSION_ARG, { name: 'answer', variadic: true }],
  options: { text: { type: 'string', value: 'TEXT', description: 'Answer with this text (a free-text question, or "tell it what to do instead")' } },
  examples: ['sess answer agent 2', 'sess answer agent yes', 'sess answer shell --text hunter2', `sess answer setup --text "Ada"   # read -p "Your name: "`],
});
