import { randomInt } from 'node:crypto';
import { basename } from 'node:path';
import { MAX_NAME_CHARS, nameProblem } from '../../shared/protocol/names.js';

/** Session ids: `s` and seven of [0-9a-z]; tmux-safe (no `.`, `:` or `=`), 36^7 of them. */
export const SESSION_ID_PATTERN = /^s[0-9a-z]{7}$/;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const DEFAULT_SPACE = 'default';

export function newId(prefix: string, length = 7): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** A reference: an id, `space/name`, or a name in the default space. */
export function parseRef(ref: string): { id?: string; space: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash !== -1) return { space: ref.slice(0, slash), name: ref.slice(slash + 1) };
  return SESSION_ID_PATTERN.test(ref) ? { id: ref, space: DEFAULT_SPACE, name: ref } : { space: DEFAULT_SPACE, name: ref };
}

/** A default name from the program: `claude`, then `claude-2`, `claude-3`, ... */
export function defaultName(command: readonly string[], taken: (name: string) => boolean): string {
  const program = command[0] === undefined ? 'session' : basename(command[0]).replace(/^-/, '');
  let base = [...program.replace(/[\p{Cc}/]/gu, '').trim()].slice(0, MAX_NAME_CHARS - 6).join('');
  if (base === '' || nameProblem(base) !== null) base = 'session';
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

/** The detector profile a command suggests: a known agent, a shell, or `generic`. */
export function inferAgent(command: readonly string[]): string {
  const program = basename(command[0] ?? '').replace(/^-/, '');
  if (['claude', 'codex', 'aider'].includes(program)) return program;
  // A shell with a script (`sh -c '...'`, `bash run.sh`) runs that script: no prompt to read.
  const interactive = command.slice(1).every((arg) => arg.startsWith('-') && arg !== '-c');
  if (['sh', 'bash', 'zsh', 'fish', 'dash', 'ksh', 'tcsh', 'csh', 'nu', 'elvish', 'xonsh'].includes(program)) return interactive ? 'shell' : 'generic';
  return 'generic';
}
