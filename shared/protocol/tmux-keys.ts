/**
 * tmux key names, as `send-keys` understands them (tmux's key-string.c). tmux types
 * an unknown name as text, so sessd checks names itself and refuses unknown ones:
 * `["Entr"]` is an error, not five characters.
 */
const NAMED_KEYS = [
  'Enter', 'Escape', 'Tab', 'BTab', 'Space', 'BSpace',
  'Up', 'Down', 'Left', 'Right', 'Home', 'End',
  'IC', 'Insert', 'DC', 'Delete', 'NPage', 'PageDown', 'PgDn', 'PPage', 'PageUp', 'PgUp',
  'KP/', 'KP*', 'KP-', 'KP+', 'KP.', 'KPEnter',
  'KP0', 'KP1', 'KP2', 'KP3', 'KP4', 'KP5', 'KP6', 'KP7', 'KP8', 'KP9',
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
];
const NAMED = new Set(NAMED_KEYS.map((k) => k.toLowerCase()));
const MODIFIERS = /^(?:[CMS]-)+/i;

/** True when `key` is a key tmux knows: a name or one character, with `C-`/`M-`/`S-` or `^` modifiers. */
export function isTmuxKey(key: string): boolean {
  let rest = key;
  if (rest.length > 1 && rest.startsWith('^')) rest = rest.slice(1);
  else {
    const modifiers = MODIFIERS.exec(rest);
    if (modifiers !== null && modifiers[0].length < rest.length) rest = rest.slice(modifiers[0].length);
  }
  if (NAMED.has(rest.toLowerCase())) return true;
  if (/^0x[0-9a-f]{1,6}$/i.test(rest)) return true;
  const chars = [...rest];
  if (chars.length !== 1) return false;
  const code = chars[0]!.codePointAt(0)!;
  return code >= 0x20 && code !== 0x7f;
}
