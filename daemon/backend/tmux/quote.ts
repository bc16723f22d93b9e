/**
 * Quoting for tmux's command parser. Every argument sessd sends to tmux goes
 * through `quoteArg`, so user text is always one literal argument: inside double
 * quotes tmux expands `$VAR` and backslash escapes, so `\`, `"` and `$` are escaped,
 * and control characters (a newline would end the command line in control mode) are
 * written as octal escapes. `#{...}`, `;`, `~`, `'` and non-ASCII need nothing inside
 * double quotes. NUL cannot be represented and is refused.
 */
export function quoteArg(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code === 0) throw new Error('tmux arguments cannot contain NUL');
    if (ch === '\\' || ch === '"' || ch === '$') out += '\\' + ch;
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

/** A tmux command line from argv: the command name and flags are passed through quoting too. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
