/**
 * Quoting for tmux's command parser. Every argument sessd sends to tmux goes
 * through `quoteArg`, so user text is always one literal argument: inside double
 * quotes tmux expands `$VAR`, backslash escapes and a leading `~`, so `\`, `"` and
 * `$` are escaped, `~` is written as the octal escape `\176`, and so are control
 * characters (a newline would end the command line in control mode). `#{...}`, `;`,
 * `'` and non-ASCII need nothing inside double quotes. NUL cannot be represented
 * and is refused.
 */
export function quoteArg(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code === 0) throw new Error('tmux arguments cannot contain NUL');
    if (ch === '\\' || ch === '"' || ch === '$') out += '\\' + ch;
    else if (code < 0x20 || code === 0x7f || ch === '~') out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out + '"';
}

/** A tmux command line from argv: the command name and flags are passed through quoting too. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/**
 * `value` as a tmux format that expands to exactly `value`, for the arguments tmux
 * runs through format expansion before using them (in 3.3a: new-session's `-s`, and
 * `-n` and `-c` of new-session and new-window; pipe-pane's command). Otherwise
 * `#(cmd)` in a directory or session name would run cmd and `#{pane_id}` would be
 * replaced. A run of `#` is doubled, except before `[`: tmux keeps `#[` and `##[`
 * (style markers) as they are, and doubling them would change the value.
 */
export function formatLiteral(value: string): string {
  return value.replace(/#+(?![#[])/g, (run) => run + run);
}
