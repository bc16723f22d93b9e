import { defineCommand } from '../spec.js';

/**
 * `sess completion`: answered by ../completion.ts before any command is parsed (main.ts
 * sends it there); declared here so that help lists it. Its run does nothing.
 */
export const spec = defineCommand({
  name: 'completion',
  group: 'sessd itself',
  summary: 'Print a shell completion script (bash or zsh)',
  description: 'Add `source <(sess completion)` to ~/.bashrc or ~/.zshrc; session names are completed from the running sessd.',
  options: {},
});

export function run(): Promise<void> {
  return Promise.resolve();
}
