import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EVENT_TIMEOUT_MS } from './client.js';

/**
 * Output notifications of one tmux session, from a read-only tmux control client that
 * does not affect the window size. A test waits for the screen to show something by
 * capturing again each time output arrives: no fixed sleeps.
 */
export class ScreenWatcher {
  private outputs = 0;
  private readonly wakers = new Set<() => void>();
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
      if (!line.startsWith('%output ') && !line.startsWith('%exit')) return;
      this.outputs++;
      for (const wake of this.wakers) wake();
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
  async waitFor(capture: () => Promise<string>, match: (screen: string) => boolean): Promise<string> {
    const deadline = Date.now() + EVENT_TIMEOUT_MS;
    for (;;) {
      const before = this.outputs;
      const screen = await capture();
      if (match(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never matched; last:\n${screen}`);
      if (this.outputs !== before) continue;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.wakers.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, deadline - Date.now());
        this.wakers.add(wake);
      });
    }
  }

  async close(): Promise<void> {
    this.proc.stdin.end();
    await this.exited;
  }
}
