import type { Logger } from 'pino';
import type { BackendEvent } from '../backend.js';
import type { ControlClient } from './control-client.js';
import { PANE_FORMAT, parsePaneRow, type PaneRow } from './panes.js';
import { PANE_DIED_CHANNEL } from './server-config.js';

/**
 * tmux built with libutempter can lose the SIGCHLD of a pane's process (tmux/tmux#311):
 * at the pane's end of file it removes the utmp record, utempter briefly installs its
 * own SIGCHLD handler, and the kernel sends SIGCHLD just after closing the dying
 * process's files. tmux then neither reaps the process nor runs pane-died until some
 * other SIGCHLD arrives. A SIGCHLD sent to the server is harmless (tmux reaps with
 * WNOHANG in a loop) and makes it reap, record the status and run the hook.
 */
/** How often the server is nudged after sessd sent a program a terminating signal, until its death is seen. */
const KILL_NUDGE_MS = 20;
/** How long those nudges go on at most (the stop's own timeout decides what happens next). */
const KILL_NUDGE_FOR_MS = 15_000;
/** How often the server is nudged while sessions run, so a program that ended on its own is seen. */
const SWEEP_NUDGE_MS = 1_000;
/** How soon a pane seen dead without an exit status is read again (after a nudge). */
const STATUS_RETRY_MS = 10;
/** How long a dead pane may go without an exit status before its death is reported without one. */
const STATUS_WAIT_MS = 5_000;

export interface DeathWatchHost {
  run(argv: string[]): Promise<string[]>;
  /** The pane that runs a session's program, if known. */
  paneOf(name: string): string | undefined;
  /** True while there are sessions worth sweeping for. */
  hasPanes(): boolean;
  serverPid(): number | null;
  emit(event: BackendEvent): void;
  log: Logger;
}

/**
 * Reports each program's death once, the moment tmux runs the pane-died hook (which
 * signals a wait-for channel the watcher client blocks on), and nudges tmux when the
 * SIGCHLD that should trigger that hook may have been lost.
 */
export class DeathWatch {
  /** `paneId:panePid` of every death already reported, so each is reported once. */
  private readonly reported = new Set<string>();
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  /** When each dead pane whose exit status tmux had not recorded yet was first seen. */
  private readonly statusSince = new Map<string, number>();
  private statusRetry: NodeJS.Timeout | undefined;
  /** Pane pids sessd sent a terminating signal, with when to stop nudging for them. */
  private readonly expected = new Map<number, number>();
  private killNudger: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly host: DeathWatchHost) {
    this.sweeper = setInterval(() => {
      if (host.hasPanes()) this.nudge();
    }, SWEEP_NUDGE_MS);
    this.sweeper.unref();
  }

  /** Loops `wait-for` on the pane-died channel until `watcher` goes away. */
  watch(watcher: ControlClient): void {
    const loop = async (): Promise<void> => {
      while (!watcher.isClosed && !this.disposed) {
        this.check();
        try {
          await watcher.run(['wait-for', PANE_DIED_CHANNEL]);
        } catch {
          // The watcher closed; the connection reconnects and calls `watch` again.
          return;
        }
      }
    };
    void loop();
  }

  /** sessd just sent `panePid` a terminating signal: nudge until its death is seen. */
  expectDeath(panePid: number): void {
    this.expected.set(panePid, Date.now() + KILL_NUDGE_FOR_MS);
    this.nudge();
    this.killNudger ??= setInterval(() => {
      const now = Date.now();
      for (const [pid, until] of this.expected) if (until < now) this.expected.delete(pid);
      if (this.expected.size === 0) {
        clearInterval(this.killNudger);
        this.killNudger = undefined;
        return;
      }
      this.nudge();
    }, KILL_NUDGE_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.sweeper);
    clearInterval(this.killNudger);
    clearTimeout(this.statusRetry);
  }

  /** Sends SIGCHLD to the tmux server; see the note above KILL_NUDGE_MS for why. */
  private nudge(): void {
    const pid = this.host.serverPid();
    if (pid === null) return;
    try {
      process.kill(pid, 'SIGCHLD');
    } catch {
      // The server is gone; the connection reports that.
    }
  }

  /**
   * Scans for dead panes. Calls that arrive while a scan runs make it scan once more;
   * the running flag is cleared in the same turn as the last check of that request,
   * so no call falls in between.
   */
  private check(): void {
    this.scanAgain = true;
    if (this.scanning !== undefined) return;
    this.scanning = (async () => {
      while (this.scanAgain && !this.disposed) {
        this.scanAgain = false;
        await this.scan();
      }
      this.scanning = undefined;
    })();
  }

  private async scan(): Promise<void> {
    let rows: (PaneRow | null)[];
    try {
      rows = (await this.host.run(['list-panes', '-a', '-f', '#{pane_dead}', '-F', PANE_FORMAT])).map(parsePaneRow);
    } catch {
      // tmux went away mid-scan; the reconnect reconciles everything anyway.
      return;
    }
    const stillDead = new Set<string>();
    let statusPending = false;
    for (const row of rows) {
      if (row === null || this.host.paneOf(row.name) !== row.paneId) continue;
      const key = `${row.paneId}:${row.panePid}`;
      stillDead.add(key);
      if (this.reported.has(key)) continue;
      // tmux marks a pane dead at the pty's end or at SIGCHLD, whichever comes first;
      // the status comes with SIGCHLD and no notification follows it.
      const since = this.statusSince.get(key) ?? Date.now();
      if (row.exitCode === null && Date.now() - since < STATUS_WAIT_MS) {
        this.statusSince.set(key, since);
        statusPending = true;
        continue;
      }
      const waitedMs = Date.now() - since;
      this.statusSince.delete(key);
      this.reported.add(key);
      if (row.panePid !== null) this.expected.delete(row.panePid);
      this.host.log.debug({ session: row.name, pane: row.paneId, exitCode: row.exitCode, signal: row.exitSignal, waitedMs }, 'program ended');
      this.host.emit({ type: 'exited', name: row.name, panePid: row.panePid, exitCode: row.exitCode, exitSignal: row.exitSignal });
    }
    // Forget panes that were restarted or removed, so the set stays as small as the dead.
    for (const key of this.reported) if (!stillDead.has(key)) this.reported.delete(key);
    if (statusPending && this.statusRetry === undefined) {
      this.nudge();
      this.statusRetry = setTimeout(() => {
        this.statusRetry = undefined;
        this.check();
      }, STATUS_RETRY_MS);
    }
  }
}
