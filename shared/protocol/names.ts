/** The rules for session names and spaces, checked by `session/create` and wherever a name is taken. */

export const MAX_NAME_CHARS = 100;

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

/** False when `value` holds a lone surrogate (it could not be encoded as UTF-8 unchanged). */
export function isWellFormed(value: string): boolean {
  return !/\p{Cs}/u.test(value);
}
