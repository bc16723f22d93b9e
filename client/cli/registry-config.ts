import type { CommandSpec, OptionSpec } from './args.js';

/** Commands about configuration: templates, spaces, providers (registry.ts lists them with the rest). */

const TEMPLATE_FIELDS: readonly OptionSpec[] = [
  { name: 'space', alias: 's', type: 'string', value: 'SPACE', description: 'Space its sessions go to' },
  { name: 'cwd', alias: 'c', type: 'string', value: 'DIR', description: 'Working directory' },
  { name: 'env', alias: 'e', type: 'strings', value: 'KEY=VALUE', description: 'An environment variable (repeat for more)' },
  { name: 'label', alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'A label (repeat for more)' },
  { name: 'agent', type: 'string', value: 'PROFILE', description: 'Activity detector profile' },
  { name: 'type', type: 'string', value: 'TYPE', description: 'Session type' },
  { name: 'restart', type: 'string', value: 'POLICY', choices: ['never', 'on-failure', 'always'], description: 'Restart policy' },
  { name: 'size', type: 'string', value: 'COLSxROWS', description: 'Terminal size' },
];

export const TEMPLATE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'templates',
    summary: 'List templates (from the config file and stored ones)',
    description: 'A template from the config file wins over a stored one of the same name; the list says when one is hidden.',
    args: [],
    options: [],
    module: 'template',
  },
  {
    name: 'template show',
    summary: 'Show a template',
    args: [{ name: 'name', required: true }],
    options: [],
    module: 'template',
  },
  {
    name: 'template set',
    summary: 'Store a template (replacing one of the same name)',
    description: 'Everything after the options is the command its sessions run. `sess new -t NAME` starts from it; the options of `sess new` override it.',
    args: [],
    program: true,
    options: [{ name: 'name', alias: 'n', type: 'string', value: 'NAME', description: 'The template name (required)' }, ...TEMPLATE_FIELDS],
    examples: ['sess template set -n claude --agent claude --restart on-failure -- claude', 'sess new -t claude -n review'],
    module: 'template',
  },
  {
    name: 'template rm',
    summary: 'Delete a stored template',
    args: [{ name: 'name', required: true }],
    options: [],
    module: 'template',
  },
  {
    name: 'spaces',
    summary: 'List spaces with their session counts',
    args: [],
    options: [],
    module: 'spaces',
  },
  {
    name: 'providers',
    summary: 'List backends: version, capabilities, resource limits',
    args: [],
    options: [],
    module: 'spaces',
  },
];
