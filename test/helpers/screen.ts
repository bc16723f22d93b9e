import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Wakeable } from './wait.js';

/**
 * Output notifications of one tmux session, from a read-only tmux control client that
 * does not affect the window size. A test waits for the screen to show something by
 * capturing again each time output arrives: no fixed sleeps.
 */
export class ScreenWatcher {
  private readonly output = new Wakeable();
  private readonly exited: Promise<void>;
  private attached: ((ok: boolean) => void) | undefined;

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => this.attached?.(false));
    // One reader for the whole stream: closing a second readline interface would pause it.
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (this.attached !== undefined && (line.startsWith('%end') || line.startsWith('%error'))) {
        this.attached(line.startsWith('%end'));
        this.attached = undefined;
        return;
      }
      if (line.startsWith('%output ') || line.startsWith('%exit')) this.output.wake();
    });
  }

  static async attach(tmuxSocket: string, sessionName: string): Promise<ScreenWatcher> {
    const proc = spawn('tmux', ['-S', tmuxSocket, '-C', 'attach-session', '-f', 'read-only,ignore-size', '-t', `=${sessionName}`]);
    const watcher = new ScreenWatcher(proc);
    // The attach's own reply block ends with %end; from then on, output is being watched.
    const ok = await new Promise<boolean>((resolve) => (watcher.attached = resolve));
    if (!ok) {
      await watcher.close();
      throw new Error(`cannot watch ${sessionName}`);
    }
    return watcher;
  }

  /** Captures until `match` accepts the screen, re-capturing after each output. */
  waitFor(capture: () => Promise<string>, match: (screen: string) => boolean): Promise<string> {
    let last = '';
    return this.output.until(
      async () => {
        last = await capture();
        return match(last) ? last : undefined;
      },
      () => `the screen never matched; last:\n${last}`,
    );
  }

  async close(): Promise<void> {
    this.proc.stdin.end();
    await this.exited;
  }
}
