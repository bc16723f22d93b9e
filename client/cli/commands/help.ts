import { defineCommand } from '../spec.js';

/**
 * `sess help [COMMAND...]`: main.ts turns it into `sess COMMAND --help` before any
 * parsing; declared here so that help lists it. Its run does nothing.
 */
export const spec = defineCommand({
  name: 'help',
  group: 'sessd itself',
  summary: 'Show what a command takes (sess help COMMAND is sess COMMAND --help)',
  args: [{ name: 'command', variadic: true }],
  options: {},
  examples: ['sess help', 'sess help wait', 'sess help daemon'],
});

export function run(): Promise<void> {
  return Promise.resolve();
}
