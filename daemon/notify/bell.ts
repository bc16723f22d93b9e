import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { execFile } from 'node:child_process';

/** A tmux CLI call's bound (a notification is rare; a hung server must not keep it). */
const TMUX_TIMEOUT_MS = 3_000;
/** How long the status-line message stays on an attached terminal. */
const MESSAGE_MS = 8_000;

function tmux(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.env.SESSD_TMUX ?? 'tmux', ['-S', socket, ...args], { timeout: TMUX_TIMEOUT_MS }, (error, stdout) => {
      if (error !== null) reject(new Error(`tmux ${args[0]}: ${error.message.trim()}`));
      else resolve(stdout);
    });
  });
}

/**
 * Rings the terminals attached to the tmux session `target` on sessd's server: BEL
 * and an OSC 9 notification (shown by iTerm2, Windows Terminal, kitty, foot, ...)
 * written to each client's tty, and the text on its status line. Runs the tmux CLI
 * (two short calls) rather than the daemon's control client: it is rare, and keeps
 * the backend's interface as it is. Resolves with how many terminals were rung.
 */
export async function ringAttached(tmuxSocket: string, target: string, text: string): Promise<number> {
  const ttys = (await tmux(tmuxSocket, ['list-clients', '-t', `=${target}`, '-F', '#{client_tty}'])).split('\n').filter((t) => t.startsWith('/dev/'));
  // OSC 9 takes no control characters; BEL ends it.
  const osc = `\x1b]9;${text.replace(/\p{Cc}/gu, ' ')}\x07`;
  await Promise.all(
    ttys.map(async (tty) => {
      const handle = await open(tty, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
      try {
        await handle.write(`\x07${osc}`);
      } finally {
        await handle.close();
      }
      // `##` is a literal `#`: the message is a tmux format (`-l` came only in tmux 3.4).
      await tmux(tmuxSocket, ['display-message', '-c', tty, '-d', String(MESSAGE_MS), text.replaceAll('#', '##')]);
    }),
  );
  return ttys.length;
}
