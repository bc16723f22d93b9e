import { optionSpecs, optionValues, type OptionDefs, type OptionValues } from './spec.js';
import type { Parsed } from './args.js';

/** Options and arguments several commands declare alike, and the options every command takes. */

export const GLOBALS = {
  json: { type: 'boolean', description: "Print the protocol's objects as JSON instead of text" },
  socket: { type: 'string', value: 'PATH', description: "sessd's socket [env SESSD_SOCKET; default $XDG_RUNTIME_DIR/sessd/sessd.sock]" },
  noAutostart: { type: 'boolean', description: 'Do not start sessd when it is not running; fail instead' },
  host: {
    type: 'string',
    value: '[USER@]HOST[:PORT]',
    description: "Run against HOST's sessd, through `ssh HOST sess proxy` (a name from the config file's hosts, or anything ssh takes) [env SESS_HOST]",
  },
} as const satisfies OptionDefs;

export type Globals = OptionValues<typeof GLOBALS>;

export const GLOBAL_OPTIONS = optionSpecs(GLOBALS);

export function globalValues(parsed: Parsed): Globals {
  return optionValues(GLOBALS, parsed);
}

export const STATUSES = ['created', 'running', 'paused', 'suspended', 'stopped', 'exited', 'crashed'] as const;

export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const;

/** Options that pick sessions by what they are, instead of naming them. */
export const SELECTOR = {
  space: { alias: 's', type: 'string', value: 'SPACE', description: 'Every session in SPACE' },
  label: { alias: 'l', type: 'strings', value: 'KEY=VALUE', description: 'Every session with this label (repeat to require several)' },
  status: { type: 'strings', value: 'STATUS', choices: STATUSES, description: 'Every session in this status (repeat for any of several)' },
  all: { type: 'boolean', description: 'Every session' },
} as const satisfies OptionDefs;

export const STOP_OPTIONS = {
  force: { alias: 'f', type: 'boolean', description: 'Kill at once (SIGKILL) instead of asking the program to end' },
  timeout: { type: 'duration', value: 'DURATION', description: 'How long to wait for a graceful stop before SIGKILL, e.g. 10s (default 5s; plain numbers are milliseconds)' },
} as const satisfies OptionDefs;

export const SESSION_ARG = { name: 'session', required: true, complete: 'session' } as const;
export const SESSIONS_ARG = { name: 'session', variadic: true, complete: 'session' } as const;
export const REF_HELP = 'SESSION is an id (s7k2m9qv), SPACE/NAME, or a NAME in the default space.';
