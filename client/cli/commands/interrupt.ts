import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess interrupt`: session/interrupt. */
export const spec = defineCommand({
  name: 'interrupt',
  group: 'Using a session',
  summary: 'Interrupt what a session is doing (Ctrl-C)',
  description: REF_HELP,
  args: [SESSION_ARG],
  options: {},
});
