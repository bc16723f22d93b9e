import { defineCommand } from '../spec.js';

/** `sess spaces`, `sess providers`: space/list, provider/list. */

export const spaces = defineCommand({
  name: 'spaces',
  summary: 'List spaces with their session counts',
  options: {},
});

export const providers = defineCommand({
  name: 'providers',
  summary: 'List backends: version, capabilities, resource limits',
  options: {},
});
