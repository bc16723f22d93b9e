import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { promisify } from 'node:util';
import { commandLine } from './quote.js';

/** The tmux session the control clients attach to; `_` keeps it out of the id alphabet. */
export const CONTROL_SESSION = '_sessd';
/** The wait-for channel that the pane-died hook signals. */
export const PANE_DIED_CHANNEL = 'sessd-pane-died';
/** Scrollback kept per pane: agents print a lot, and a checkpoint saves it. */
export const HISTORY_LIMIT = 50_000;
/** The oldest tmux with everything used here (new-session -e, remain-on-exit-format needs 3.3 but is optional). */
export const MIN_TMUX_VERSION = [3, 2] as const;

const run = promisify(execFile);

export interface TmuxVersion {
  text: string;
  major: number;
  minor: number;
}

/** `tmux -V`, parsed; `next-3.5` and `3.3a` both parse. */
export async function tmuxVersion(tmux: string): Promise<TmuxVersion> {
  const { stdout } = await run(tmux, ['-V'], { timeout: 5_000 });
  const text = stdout.trim().replace(/^tmux\s+/, '');
  const match = /(\d+)\.(\d+)/.exec(text);
  if (match === null) return { text, major: 99, minor: 0 };
  return { text, major: Number(match[1]), minor: Number(match[2]) };
}

export function versionAtLeast(v: TmuxVersion, [major, minor]: readonly [number, number]): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

function terminfoExists(name: string): boolean {
  const dirs = [`${homedir()}/.terminfo`, '/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo'];
  return dirs.some((dir) => existsSync(`${dir}/${name[0]}/${name}`));
}

/**
 * The user's own tmux config, where tmux itself looks for it (~/.tmux.conf, then
 * $XDG_CONFIG_HOME/tmux/tmux.conf, then ~/.config/tmux/tmux.conf), for the config
 * key `tmux.userConfig`: `true` finds it, `false` is none, a path is that file.
 */
export function userTmuxConfig(setting: boolean | string, env: NodeJS.ProcessEnv = process.env, home = homedir()): string | null {
  if (setting === false) return null;
  if (typeof setting === 'string') return setting;
  const candidates = [`${home}/.tmux.conf`, ...(env.XDG_CONFIG_HOME ? [`${env.XDG_CONFIG_HOME}/tmux/tmux.conf`] : []), `${home}/.config/tmux/tmux.conf`];
  return candidates.find((path) => existsSync(path)) ?? null;
}

/**
 * sessd's defaults for what a person attached sees, which the user's own config may
 * change: the status line names no session id (the window list shows the session's
 * name).
 */
export function tmuxDefaults(): string[][] {
  return [['set-option', '-g', 'status-left', '[sessd] ']];
}

/**
 * sessd's required tmux settings, applied after the user's config (which cannot turn
 * them off). They are written to a file passed with -f when the server starts, and
 * replayed one command at a time on every connect (so a server started by an older
 * sessd is brought up to date; `source-file` would answer with one reply block per
 * line of the file, so the user's config is read only when the server starts).
 */
export function tmuxSettings(version: TmuxVersion): string[][] {
  const settings = [
    // Sessions outlive every client, including sessd's own.
    ['set-option', '-s', 'exit-empty', 'off'],
    ['set-option', '-s', 'exit-unattached', 'off'],
    ['set-option', '-g', 'destroy-unattached', 'off'],
    ['set-option', '-s', 'escape-time', '10'],
    ['set-option', '-g', 'default-terminal', terminfoExists('tmux-256color') ? 'tmux-256color' : 'screen-256color'],
    ['set-option', '-g', 'history-limit', String(HISTORY_LIMIT)],
    // An ended program keeps its pane, so its exit status and scrollback stay readable.
    ['set-option', '-g', 'remain-on-exit', 'on'],
    ['set-option', '-g', 'window-size', 'latest'],
    // Hooks run without notifying control clients, so the hook signals a channel that
    // a second control client waits on: a pane's death is seen the moment it happens.
    ['set-hook', '-g', 'pane-died', commandLine(['wait-for', '-S', PANE_DIED_CHANNEL])],
  ];
  if (versionAtLeast(version, [3, 3])) {
    settings.push([
      'set-option',
      '-g',
      'remain-on-exit-format',
      '[sessd: the program ended #{?pane_dead_signal,by signal #{pane_dead_signal},with status #{pane_dead_status}}]',
    ]);
  }
  return settings;
}

/**
 * The server's configuration file: sessd's defaults, the user's own config (`-q`: a
 * missing file is no error), then the required settings.
 */
export function tmuxConfigFile(settings: readonly string[][], userConfig: string | null = null): string {
  const lines = [
    '# Written by sessd at start-up; edits are overwritten. Your own tmux config goes in the file it sources',
    '# (config key tmux.userConfig); the settings after it are the ones sessd needs.',
    ...tmuxDefaults().map(commandLine),
    ...(userConfig === null ? [] : [commandLine(['source-file', '-q', userConfig])]),
    ...settings.map(commandLine),
  ];
  return lines.join('\n') + '\n';
}
