import type { Logger } from 'pino';
import type { SessionBackend } from '../backend/backend.js';
import type { TranscriptService } from './service.js';

/** A session's tap is restarted at most this often: a tap that keeps dying (a broken build, say) is not respawned in a loop. */
const RESTART_MIN_INTERVAL_MS = 1_000;

/** What restarting a tap needs of the backend. */
export type TapPanes = Pick<SessionBackend, 'state' | 'restartCapture'>;

/**
 * Restarts the tap of a pane whose tap died. A tap's connection closes while sessd
 * runs only when the tap exits: at the end of its pane (or of its pipe), after it
 * handed over everything, or killed. So a closed connection whose pane still runs
 * the same program is a dead tap: what it held and what the pane printed until the
 * new one runs is lost, recorded as a gap (an unknown amount) and an event, and a
 * new tap is piped to the pane.
 */
export class TapRestarts {
  private readonly lastRestart = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly panes: TapPanes,
    private readonly transcripts: TranscriptService,
    private readonly log: Logger,
  ) {}

  /** The connection of `tap`, the tap of `session`'s pane running `panePid`, closed without sessd closing it. */
  lost(session: string, tap: string, panePid: number): void {
    const wait = (this.lastRestart.get(session) ?? -Infinity) + RESTART_MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      void this.restart(session, tap, panePid);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.restart(session, tap, panePid);
    }, wait);
    this.timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async restart(session: string, tap: string, panePid: number): Promise<void> {
    try {
      const state = await this.panes.state(session);
      // The pane ended, or its program was replaced (with a tap of its own): the tap ended with it.
      if (state === null || state.dead || state.panePid !== panePid) return;
      this.lastRestart.set(session, Date.now());
      this.log.warn({ session, tap, panePid }, 'output tap died while its pane runs; starting a new one');
      this.transcripts.gap(session, null, 'tap-died');
      await this.panes.restartCapture(session);
    } catch (error) {
      // The session went away meanwhile, or tmux did: nothing is left to capture, or reconciliation handles it.
      this.log.warn({ err: error, session, tap }, 'cannot restart the output tap');
    }
  }
}
