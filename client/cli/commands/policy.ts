import { REF_HELP, SESSION_ARG } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess policy test`: policy/test. */
export const test = defineCommand({
  name: 'policy test',
  group: 'Answering',
  summary: 'Show which policy rule would decide what on an approval (answers nothing)',
  description: `Judges the session's open approval, or a sample given with --tool/--command/--detail, by the config file's policies, and shows each rule up to the deciding one. Nothing is answered. ${REF_HELP}`,
  args: [SESSION_ARG],
  options: {
    tool: { type: 'string', value: 'TOOL', description: 'A sample approval of this tool (Bash, shell, Edit, ...)' },
    command: { type: 'string', value: 'COMMAND', description: 'A sample approval of this command' },
    detail: { type: 'string', value: 'JSON', description: 'A sample detail as JSON ({"tool": "Edit", "input": {"file_path": "x"}})' },
  },
  examples: ['sess policy test agent', "sess policy test agent --tool Bash --command 'rm -rf build'"],
});
