import { RESTART_POLICIES } from '../options.js';
import { defineCommand } from '../spec.js';

/** `sess template ls` (or `templates`), `template show`, `template set`, `template rm`: template/list, get, set, delete. */

export const templates = defineCommand({
  name: 'template ls',
  aliases: ['templates', 'template list'],
  group: 'Templates and spaces',
  summary: 'List templates (from the config file and stored ones)',
  description: 'A template from the config file wins over a stored one of the same name; the list says when one is hidden.',
  options: {},
});

export const show = defineCommand({
  name: 'template show',
  group: 'Templates and spaces',
  summary: 'Show a template',
  args: [{ name: 'name', required: true }],
  options: {},
});

export const set = defineCommand({
  name: 'template set',
  group: 'Templates and spaces',
  summary: 'Store a template (replacing one of the same name)',
  description: 'Everything after the options is the command its sessions run. `sess new -t NAME` starts from it; the options of `sess new` override it.',
  program: true,
  options: {
    name: { alias: 'n', type: 'string', value: 'NAME', description: 'The template name (required)' },
    space: { alias: 's', type: 'string', value: 'SPACE', description: 'Space its sessions go to' },
    cwd: { alias: 'c', type: 'string', value: 'DIR', description: 'Working directory' },
    env: { alias: 'e', type: 'strings', value: 'KEY=VALUE', description: 'An environment variable (repeat for more)' },
    label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'A label (repeat for more)' },
    agent: { type: 'string', value: 'PROFILE', description: 'Activity detector profile' },
    type: { type: 'string', value: 'TYPE', description: 'Session type' },
    restart: { type: 'string', value: 'POLICY', choices: RESTART_POLICIES, description: 'Restart policy' },
    size: { type: 'string', value: 'COLSxROWS', description: 'Terminal size' },
  },
  examples: ['sess template set -n claude --agent claude --restart on-failure -- claude', 'sess new -t claude -n review'],
});

export const rm = defineCommand({
  name: 'template rm',
  group: 'Templates and spaces',
  summary: 'Delete a stored template',
  args: [{ name: 'name', required: true }],
  options: {},
});
