/**
 * Which of a caller's environment variables a new session inherits (`callerEnv` of
 * `session/create`). A program in a session runs the way the caller would have run
 * it, except for what belongs to the caller's terminal (the session has its own:
 * tmux sets TERM, TMUX and the size), to the caller's shell's state (PWD, SHLVL), to
 * the editor hosting the caller, and to sessd itself (SESSD_*, set per session).
 * Used by the daemon on every request and by clients to keep the request small. Pure.
 */

/** Exact names never inherited. */
const DROPPED = new Set([
  'TERM', 'TERMCAP', 'TERMINFO', 'COLORTERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'TERM_SESSION_ID',
  'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'COLUMNS', 'LINES', 'WINDOWID', 'VTE_VERSION', 'SSH_TTY', 'GPG_TTY',
  'PWD', 'OLDPWD', 'SHLVL', '_', 'PS1', 'PROMPT_COMMAND',
  'NVIM', 'NVIM_LISTEN_ADDRESS', 'NVIM_LOG_FILE', 'MYVIMRC', 'VIMRUNTIME', 'VIM',
  'INSIDE_EMACS', 'ZELLIJ', 'ZELLIJ_SESSION_NAME', 'ALACRITTY_SOCKET', 'ALACRITTY_LOG', 'ALACRITTY_WINDOW_ID',
  'GIO_LAUNCHED_DESKTOP_FILE', 'GIO_LAUNCHED_DESKTOP_FILE_PID', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET', 'INVOCATION_ID', 'JOURNAL_STREAM',
]);
/** Name prefixes never inherited: terminal emulators', editors' and sessd's own. */
const DROPPED_PREFIXES = ['SESSD_', 'KONSOLE_', 'ITERM_', 'KITTY_', 'WEZTERM_', 'GHOSTTY_', 'TERMINATOR_', 'VSCODE_', 'ELECTRON_', 'WT_', 'LC_TERMINAL'];
/** A name a session's `env` accepts (fields.ts `env`); others (bash's `BASH_FUNC_f%%`) are not passed on. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The most variables taken, as `env` allows per layer. */
export const MAX_CALLER_ENV = 512;

/** Whether a caller's variable is passed to the session. */
export function isInherited(name: string): boolean {
  return VARIABLE_NAME.test(name) && !DROPPED.has(name) && !DROPPED_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The part of `env` a session inherits, in name order so a request is stable. Values
 * with NUL cannot be in an environment and are skipped; past MAX_CALLER_ENV
 * variables the rest is left out.
 */
export function callerEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || value.includes('\u0000') || !isInherited(name)) continue;
    if (++count > MAX_CALLER_ENV) break;
    out[name] = value;
  }
  return out;
}
