import type { Logger } from 'pino';
import type { Session, SessionStatus } from '../../shared/protocol/model.js';
import type { SessionBackend } from '../backend/backend.js';
import { errors } from '../errors.js';
import type { TranscriptService } from '../transcripts/service.js';
import type { Committer } from './commit.js';
import { onBackend, spawnSpec, transition, type SessionDefaults } from './helpers.js';
import type { KeyedLock } from './lock.js';
import type { DeletingListener, EndedListener, ExitInfo, StartOptions, StopOptions } from './lifecycle-types.js';
import type { SessionRegistry } from './registry.js';
import { isLive, type SessionAction } from './status.js';

/** How long a graceful stop waits by default before SIGKILL: long enough for an agent to save its state. */
export const STOP_GRACE_MS = 5_000;
/**
 * What `session/gc` removes unless told otherwise: sessions that ended. Suspended
 * ones are kept: they wait to be resumed.
 */
export const GC_STATUSES: readonly SessionStatus[] = ['stopped', 'exited', 'crashed'];
/** How long to wait for a SIGKILLed program to be reported dead before giving up with `timeout`. */
const KILL_WAIT_MS = 3_000;

/** What the lifecycle acts with. */
export interface LifecycleDeps {
  registry: SessionRegistry;
  committer: Committer;
  backend: SessionBackend;
  transcripts: Pick<TranscriptService, 'delete'>;
  locks: KeyedLock;
  log: Logger;
  defaults: SessionDefaults;
}

/**
 * Start, stop, restart, pause, resume and delete; and what happens when a program
 * ends on its own. Every operation on a session holds that session's lock.
 */
export class SessionLifecycle {
  /** Stops in progress wait here for the program's death instead of recording it as an exit. */
  private readonly deathWaiters = new Map<string, (info: ExitInfo) => void>();
  private readonly endedListeners = new Set<EndedListener>();
  private readonly deletingListeners = new Set<DeletingListener>();

  constructor(private readonly deps: LifecycleDeps) {}

  onEnded(listener: EndedListener): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  onDeleting(listener: DeletingListener): () => void {
    this.deletingListeners.add(listener);
    return () => this.deletingListeners.delete(listener);
  }

  start(session: Session): Promise<Session> {
    return this.locked(session, (current) => this.startLocked(current, 'start'));
  }

  /**
   * Stops a live program. An ended session whose restart policy has a restart
   * pending is also stopped: the restart is called off (an extension of the status
   * table, so that a program in a restart loop can be stopped).
   */
  stop(session: Session, options: StopOptions): Promise<Session> {
    return this.locked(session, async (current) => {
      if (!isLive(current.status) && current.nextRestartAt !== null) {
        const next = { ...current, status: 'stopped' as const, nextRestartAt: null, updatedAt: new Date().toISOString() };
        await this.deps.committer.commit({
          put: [next],
          events: [{ type: 'session.status', sessionId: current.id, data: { status: 'stopped', previous: current.status, reason: 'restart called off' } }],
        });
        return next;
      }
      transition(current, 'stop'); // checks the transition before any signal is sent
      return this.stopLocked(current, options, 'stop');
    });
  }

  restart(session: Session, options: StopOptions): Promise<Session> {
    return this.locked(session, async (current) => {
      const stopped = isLive(current.status) ? await this.stopLocked(current, options, 'stop') : current;
      return this.startLocked(stopped, 'restart');
    });
  }

  pause(session: Session): Promise<Session> {
    return this.locked(session, async (current) => {
      const next = transition(current, 'pause');
      await onBackend(current, 'pause', () => this.deps.backend.signal(current.id, ['SIGSTOP']));
      await this.deps.committer.commit({ put: [next.session], events: next.events });
      return next.session;
    });
  }

  /** Continues a paused program (the caller holds the lock; a suspended session is restored instead, see Restorer). */
  async resumePaused(current: Session): Promise<Session> {
    if (current.status !== 'paused') throw errors.invalidState(current, 'resume');
    const next = transition(current, 'resume');
    await onBackend(current, 'resume', () => this.deps.backend.signal(current.id, ['SIGCONT']));
    await this.deps.committer.commit({ put: [next.session], events: next.events });
    return next.session;
  }

  /**
   * Stops a live session first (forcefully with `force`), then removes it, its tmux
   * session, checkpoints, messages, interactions and transcript.
   */
  delete(session: Session, options: StopOptions): Promise<Session> {
    return this.locked(session, (current) => this.deleteLocked(current, options));
  }

  private async deleteLocked(current: Session, options: StopOptions): Promise<Session> {
    const last = isLive(current.status) ? await this.stopLocked(current, options, 'stop') : current;
    await onBackend(last, 'delete', () => this.deps.backend.destroy(last.id));
    for (const listener of this.deletingListeners) listener(last.id);
    await this.deps.committer.commit({
      remove: [last], // with its checkpoints, messages and interactions
      events: [{ type: 'session.deleted', sessionId: last.id, data: { name: last.name, space: last.space } }],
    });
    await this.deps.transcripts.delete(last.id);
    return last;
  }

  /**
   * `session/gc`: deletes the sessions in `statuses` that ended at least `olderThanMs`
   * ago (never a live one, nor one whose restart is pending); returns their ids.
   */
  async collect(olderThanMs: number, statuses: readonly SessionStatus[] = GC_STATUSES): Promise<string[]> {
    const now = Date.now();
    const eligible = (s: Session): boolean =>
      statuses.includes(s.status) && !isLive(s.status) && s.nextRestartAt === null && s.endedAt !== null && now - Date.parse(s.endedAt) >= olderThanMs;
    const deleted: string[] = [];
    for (const session of this.deps.registry.all().filter(eligible)) {
      try {
        // Checked again under the lock: it may have been started meanwhile.
        await this.locked(session, async (current) => {
          if (!eligible(current)) return current;
          const last = await this.deleteLocked(current, {});
          deleted.push(last.id);
          return last;
        });
      } catch (error) {
        this.deps.log.warn({ err: error, session: session.id }, 'gc could not delete a session');
      }
    }
    return deleted;
  }

  /** A program ended without a stop: a stop in progress takes it, otherwise it is an exit. */
  async exited(id: string, info: ExitInfo): Promise<void> {
    const waiter = this.deathWaiters.get(id);
    if (waiter !== undefined) {
      waiter(info);
      return;
    }
    await this.deps.locks.run(id, async () => {
      const current = this.deps.registry.get(id);
      // Already recorded (a reconcile saw it first), or the report is about an earlier run.
      if (current === undefined || !isLive(current.status)) return;
      const panePid = current.runtime.panePid;
      if (info.panePid !== null && panePid !== null && info.panePid !== panePid) return;
      const next = transition(current, 'exit', ended(info));
      await this.deps.committer.commit({
        put: [next.session],
        events: [
          { type: 'session.exited', sessionId: id, data: { exitCode: info.exitCode, exitSignal: info.exitSignal } },
          ...next.events,
        ],
      });
      for (const listener of this.endedListeners) listener(next.session, 'exit');
    });
  }

  /** The program's pane vanished without a stop. */
  async crashed(id: string, reason: string): Promise<void> {
    await this.deps.locks.run(id, async () => {
      const current = this.deps.registry.get(id);
      if (current === undefined || !isLive(current.status)) return;
      const next = transition(
        current,
        'crash',
        { pid: null, endedAt: new Date().toISOString(), runtime: { ...current.runtime, tmuxSession: null, paneId: null, panePid: null } },
        reason,
      );
      await this.deps.committer.commit({ put: [next.session], events: next.events });
      for (const listener of this.endedListeners) listener(next.session, 'crash');
    });
  }

  /** Runs `fn` on the session as it is now, holding its lock. */
  locked(session: Session, fn: (current: Session) => Promise<Session>): Promise<Session> {
    return this.deps.locks.run(session.id, async () => {
      const current = this.deps.registry.get(session.id);
      if (current === undefined) throw errors.sessionNotFound(session.id);
      return fn(current);
    });
  }

  /** Starts the program (the caller holds the lock); a restart pending is thereby done. */
  async startLocked(current: Session, action: SessionAction, options: StartOptions = {}): Promise<Session> {
    const { backend, defaults, committer } = this.deps;
    transition(current, action);
    const state = await onBackend(current, action, () => backend.state(current.id));
    const spec = options.spec ?? spawnSpec(current, defaults);
    const runtime =
      state === null
        ? await onBackend(current, action, () => backend.spawn(spec))
        : state.dead || state.panePid === null
          ? await onBackend(current, action, () => backend.respawn(spec))
          : { paneId: state.paneId!, panePid: state.panePid, pid: current.pid ?? state.panePid }; // still running: adopt it
    const next = transition(
      current,
      action,
      {
        ...options.patch,
        pid: runtime.pid,
        exitCode: null,
        exitSignal: null,
        startedAt: new Date().toISOString(),
        endedAt: null,
        nextRestartAt: null,
        runtime: { backend: 'tmux', tmuxSession: current.id, paneId: runtime.paneId, panePid: runtime.panePid },
      },
      options.reason,
    );
    await committer.commit({ put: [next.session], events: next.events });
    return next.session;
  }

  /**
   * Graceful: SIGTERM and SIGHUP to every process group of the program's terminal
   * (an interactive shell ignores SIGTERM but not SIGHUP), SIGCONT so a paused
   * program can act on them; SIGKILL once `timeoutMs` passes. `force` kills at once.
   */
  async stopLocked(current: Session, options: StopOptions, action: 'stop' | 'suspend'): Promise<Session> {
    const { backend, committer } = this.deps;
    const died = new Promise<ExitInfo>((resolve) => this.deathWaiters.set(current.id, resolve));
    try {
      const state = await onBackend(current, 'stop', () => backend.state(current.id));
      let info: ExitInfo | null =
        state === null || state.dead ? { panePid: null, exitCode: state?.exitCode ?? null, exitSignal: state?.exitSignal ?? null } : null;
      const signal = (signals: NodeJS.Signals[]): Promise<void> =>
        onBackend(current, 'stop', () => backend.signal(current.id, signals));
      if (info === null && options.force !== true) {
        await signal(['SIGTERM', 'SIGHUP', 'SIGCONT']);
        info = await this.waitDeath(current.id, died, options.timeoutMs ?? STOP_GRACE_MS);
      }
      if (info === null) {
        await signal(['SIGKILL', 'SIGCONT']);
        info = await this.waitDeath(current.id, died, KILL_WAIT_MS);
      }
      if (info === null) throw errors.timeout('stop', KILL_WAIT_MS);
      const next = transition(current, action, ended(info));
      await committer.commit({ put: [next.session], events: next.events });
      return next.session;
    } finally {
      this.deathWaiters.delete(current.id);
    }
  }

  /** The death report, or null after `ms`; a missed report is caught by asking tmux once more. */
  private async waitDeath(id: string, died: Promise<ExitInfo>, ms: number): Promise<ExitInfo | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(resolve, ms, null)));
    const info = await Promise.race([died, timeout]);
    clearTimeout(timer);
    if (info !== null) return info;
    const state = await this.deps.backend.state(id).catch(() => undefined);
    if (state === null) return { panePid: null, exitCode: null, exitSignal: null }; // the whole tmux session is gone
    return state?.dead === true ? { panePid: state.panePid, exitCode: state.exitCode, exitSignal: state.exitSignal } : null;
  }
}

function ended(info: ExitInfo): Partial<Session> {
  return { pid: null, exitCode: info.exitCode, exitSignal: info.exitSignal, endedAt: new Date().toISOString() };
}
