import { defineCommand } from '../spec.js';

/** `sess space ls`, `sess provider ls` (or `spaces`, `providers`): space/list, provider/list. */

export const spaces = defineCommand({
  name: 'space ls',
  aliases: ['spaces', 'space list'],
  group: 'Templates and spaces',
  summary: 'List spaces with their session counts',
  options: {},
});

export const providers = defineCommand({
  name: 'provider ls',
  aliases: ['providers', 'provider list'],
  group: 'Templates and spaces',
  summary: 'List backends: version, capabilities, resource limits',
  options: {},
});
