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
 * sessd's own tmux settings: the private server never reads ~/.tmux.conf. They are
 * written to a file passed with -f when the server starts, and replayed one command
 * at a time on every connect (so a server started by an older sessd is brought up to
 * date; `source-file` would answer with one reply block per line of the file).
 */
export function tmuxSettings(version: TmuxVersion): string[][] {
  const settings = [
    // Sessions outlive every client, including sessd's own.
    ['set-option', '-s', 'exit-empty', 'off'],
    ['set-option', '-s', 'exit-unattached', 'off'],
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

/** The settings as a tmux configuration file. */
export function tmuxConfigFile(settings: readonly string[][]): string {
  return ['# Written by sessd at start-up; edits are overwritten.', ...settings.map(commandLine)].join('\n') + '\n';
}
