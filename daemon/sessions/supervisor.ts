import type { Logger } from 'pino';
import type { Session } from '../../shared/protocol/model.js';
import type { Committer } from './commit.js';
import type { SessionRegistry } from './registry.js';
import type { SessionLifecycle } from './lifecycle.js';
import type { Restorer } from './restore.js';

/** How a restart by the restart policy begins its `session.status` reason (metrics count restarts by it). */
export const RESTART_REASON_PREFIX = 'restart policy ';

export interface RestartLimits {
  /** First delay; doubled for each quick failure in a row. */
  delayMs: number;
  /** Longest delay; a run at least this long starts the doubling over. */
  maxDelayMs: number;
  /** Quick failures in a row after which the policy gives up. */
  limit: number;
}

/** Whether the restart policy brings a session back from how it ended. */
export function wantsRestart(session: Session, how: 'exit' | 'crash'): boolean {
  if (session.restartPolicy === 'always') return true;
  if (session.restartPolicy !== 'on-failure') return false;
  return how === 'crash' || session.exitCode !== 0 || session.exitSignal !== null;
}

/** The delay before restart number `streak` (0-based) of a run of quick failures. */
export function restartDelay(streak: number, limits: RestartLimits): number {
  return Math.min(limits.delayMs * 2 ** Math.min(streak, 30), limits.maxDelayMs);
}

/** What the supervisor records with. */
export interface SupervisorDeps {
  registry: SessionRegistry;
  committer: Committer;
}

/**
 * Carries out restart policies. When a program exits (or its pane or tmux server
 * vanishes) and its policy says so, the restart is recorded as pending
 * (`nextRestartAt`) and happens after the backoff: a crashed session is restored from
 * its latest checkpoint, an exited one runs its command again. Pending restarts
 * survive the daemon: they are armed again at start. Anything that starts, stops or
 * deletes the session meanwhile calls the restart off.
 */
export class Supervisor {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Quick failures in a row, per session. */
  private readonly streaks = new Map<string, number>();
  private readonly offs: (() => void)[];

  constructor(
    private readonly deps: SupervisorDeps,
    private readonly lifecycle: SessionLifecycle,
    private readonly restorer: Restorer,
    private readonly limits: RestartLimits,
    private readonly log: Logger,
  ) {
    this.offs = [
      lifecycle.onEnded((session, how) => {
        this.ended(session, how).catch((error: unknown) => log.warn({ err: error, session: session.id }, 'cannot plan a restart'));
      }),
      lifecycle.onDeleting((id) => this.forget(id)),
    ];
  }

  /** Arms the restarts that were pending when the last daemon stopped. */
  rearm(): void {
    for (const session of this.deps.registry.all()) {
      if (session.nextRestartAt !== null) this.arm(session.id, session.nextRestartAt);
    }
  }

  /** Drops the pending restart of a session being deleted. */
  private forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.streaks.delete(id);
  }

  dispose(): void {
    for (const off of this.offs) off();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Called with the session lock held, right after the end was recorded. */
  private ended(session: Session, how: 'exit' | 'crash'): Promise<void> {
    const ran = session.startedAt === null || session.endedAt === null ? 0 : Date.parse(session.endedAt) - Date.parse(session.startedAt);
    return this.plan(session, how, ran);
  }

  /** Records a pending restart after the backoff, or gives up; `ran` is how long the program ran. */
  private async plan(session: Session, how: 'exit' | 'crash', ran: number): Promise<void> {
    if (!wantsRestart(session, how)) return;
    const streak = ran >= this.limits.maxDelayMs ? 0 : (this.streaks.get(session.id) ?? 0);
    if (streak >= this.limits.limit) {
      this.log.warn({ session: session.id, failures: streak }, 'the restart policy gives up: too many quick failures in a row');
      this.streaks.delete(session.id);
      await this.deps.committer.commit({
        put: [{ ...session, nextRestartAt: null, updatedAt: new Date().toISOString() }],
        events: [{ type: 'session.updated', sessionId: session.id, data: { nextRestartAt: null, restarts: session.restarts, restartGaveUp: true } }],
      });
      return;
    }
    this.streaks.set(session.id, streak + 1);
    const at = new Date(Date.now() + restartDelay(streak, this.limits)).toISOString();
    const next: Session = { ...session, nextRestartAt: at, updatedAt: new Date().toISOString() };
    await this.deps.committer.commit({
      put: [next],
      events: [{ type: 'session.updated', sessionId: session.id, data: { nextRestartAt: at, restarts: session.restarts } }],
    });
    this.arm(session.id, at);
  }

  private arm(id: string, at: string): void {
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.fire(id, at).catch((error: unknown) => this.log.warn({ err: error, session: id }, 'restart failed'));
    }, Math.max(0, Date.parse(at) - Date.now()));
    this.timers.set(id, timer);
  }

  private async fire(id: string, at: string): Promise<void> {
    const session = this.deps.registry.get(id);
    if (session === undefined) return;
    await this.lifecycle.locked(session, async (current) => {
      // Called off (or replaced by a later plan) since it was armed.
      if (current.nextRestartAt !== at) return current;
      const reason = `${RESTART_REASON_PREFIX}${current.restartPolicy}`;
      this.log.info({ session: id, restarts: current.restarts + 1 }, 'restarting');
      try {
        return await this.restorer.recoverLocked(current, reason);
      } catch (error) {
        // Could not start: that counts as one more quick failure.
        this.log.warn({ err: error, session: id }, 'restart failed; trying again later');
        const failed = { ...current, nextRestartAt: null };
        await this.plan(failed, current.status === 'crashed' ? 'crash' : 'exit', 0);
        return this.deps.registry.get(id) ?? failed;
      }
    });
  }
}
