import { randomInt } from 'node:crypto';
import { basename } from 'node:path';

/** Session ids: `s` and seven of [0-9a-z]; tmux-safe (no `.`, `:` or `=`), 36^7 of them. */
export const SESSION_ID_PATTERN = /^s[0-9a-z]{7}$/;
const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const DEFAULT_SPACE = 'default';
export const MAX_NAME_CHARS = 100;

export function newId(prefix: string, length = 7): string {
  let id = prefix;
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * Why `value` cannot be a session name or space, or null when it can. Names are
 * data (never tmux syntax: the tmux session is named by the id), so `;`, `#{}`,
 * quotes and any Unicode are fine; what is refused would break addressing or
 * display: `/` (it separates space and name), control characters and outer
 * whitespace. A name may look like an id (`services`); new ids are chosen so that
 * they never equal a name in the default space, so a reference stays unambiguous.
 */
export function nameProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if ([...value].length > MAX_NAME_CHARS) return `must be at most ${MAX_NAME_CHARS} characters`;
  if (!isWellFormed(value)) return 'must be valid Unicode';
  if (value.includes('/')) return 'must not contain "/"';
  if (/\p{Cc}/u.test(value)) return 'must not contain control characters (newlines, tabs, escapes)';
  if (value.trim() !== value) return 'must not start or end with whitespace';
  return null;
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

/** False when `value` holds a lone surrogate (it could not be encoded as UTF-8 unchanged). */
export function isWellFormed(value: string): boolean {
  return !/\p{Cs}/u.test(value);
}
