import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess show`: session/get. */
export const spec = defineCommand({
  name: 'show',
  group: 'Sessions',
  summary: "Show a session's details",
  description: REF_HELP,
  args: [SESSION_ARG],
  options: {},
});
