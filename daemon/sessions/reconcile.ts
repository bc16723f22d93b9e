import type { Logger } from 'pino';
import type { UnmanagedTmuxSession } from '../../shared/protocol/daemon.js';
import type { Session } from '../../shared/protocol/model.js';
import type { BackendEvent, BackendSessionState, SessionBackend } from '../backend/backend.js';
import type { SessionLifecycle } from './lifecycle.js';
import type { SessionRegistry } from './registry.js';
import { isLive } from './status.js';

export interface ReconcilePlan {
  /** Live in the store, alive in tmux: kept as they are. */
  adopted: Session[];
  /** Live in the store, their program ended while nobody watched. */
  exited: { session: Session; state: BackendSessionState }[];
  /** Dead panes whose exit status tmux has not recorded yet: left to the death watch. */
  dying: Session[];
  /** Live in the store, gone from tmux. */
  crashed: Session[];
  /**
   * Not live in the store, yet their program runs in tmux: a start (or a restore as a
   * new session) whose record was lost when the daemon died between spawning the
   * program and writing it down. Adopted as started.
   */
  started: Session[];
  /** In tmux, unknown to the store: reported, never killed. */
  unmanaged: UnmanagedTmuxSession[];
}

/** Compares the store with what tmux has. Pure. */
export function planReconcile(
  stored: readonly Session[],
  tmux: readonly BackendSessionState[],
  isInternal: (name: string) => boolean,
  isPending: (name: string) => boolean,
): ReconcilePlan {
  const byName = new Map(tmux.map((t) => [t.name, t]));
  const known = new Set(stored.map((s) => s.id));
  const plan: ReconcilePlan = { adopted: [], exited: [], dying: [], crashed: [], started: [], unmanaged: [] };
  for (const session of stored) {
    const state = byName.get(session.id);
    if (!isLive(session.status)) {
      if (state !== undefined && !state.dead && state.panePid !== null) plan.started.push(session);
      continue;
    }
    if (state === undefined) plan.crashed.push(session);
    // tmux marks a pane dead at its end of file, a moment before it reaps the program and
    // records the exit status; the death watch reports that one once the status is there.
    else if (state.dead && state.exitCode === null) plan.dying.push(session);
    else if (state.dead) plan.exited.push({ session, state });
    else plan.adopted.push(session);
  }
  for (const state of tmux) {
    if (!known.has(state.name) && !isInternal(state.name) && !isPending(state.name)) {
      plan.unmanaged.push({ name: state.name, createdAt: state.createdAt });
    }
  }
  return plan;
}

export interface ReconcileSummary {
  adopted: number;
  crashed: number;
  exited: number;
  unmanaged: number;
}

/**
 * Keeps the store in step with tmux: at start, after every reconnect, and when tmux
 * says sessions changed. Backend exit reports go to the lifecycle.
 */
export class Reconciler {
  private running: Promise<ReconcileSummary> | undefined;
  private again = false;
  private unmanagedNow: UnmanagedTmuxSession[] = [];
  private last: ReconcileSummary | null = null;
  /** Sessions whose output capture was checked since tmux (re)connected. */
  private readonly captureChecked = new Set<string>();
  private readonly off: () => void;

  constructor(
    private readonly backend: SessionBackend,
    private readonly registry: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly log: Logger,
  ) {
    this.off = backend.onEvent((event) => this.onBackendEvent(event));
  }

  get unmanaged(): UnmanagedTmuxSession[] {
    return this.unmanagedNow;
  }

  /** The first reconciliation after start, or null before it ran. */
  get summary(): ReconcileSummary | null {
    return this.last;
  }

  dispose(): void {
    this.off();
  }

  /** Runs a reconciliation; a request during one queues exactly one more. */
  reconcile(): Promise<ReconcileSummary> {
    this.again = true;
    if (this.running !== undefined) return this.running;
    const run = (async () => {
      let summary: ReconcileSummary | undefined;
      try {
        while (this.again) {
          this.again = false;
          summary = await this.once();
        }
      } finally {
        // Cleared in the turn of the last check of `again`, so no request falls in between.
        this.running = undefined;
      }
      return summary!;
    })();
    this.running = run;
    return run;
  }

  private async once(): Promise<ReconcileSummary> {
    const states = await this.backend.list();
    const piped = new Map(states.map((s) => [s.name, s.piped]));
    const plan = planReconcile(
      this.registry.all(),
      states,
      (name) => this.backend.isInternal(name),
      (name) => this.registry.isReservedId(name),
    );
    await Promise.all([
      // Output of adopted programs streams again (a tap that outlived an old sessd keeps
      // going); checked once per session and tmux connection, not on every change.
      ...plan.adopted
        .filter((session) => !this.captureChecked.has(session.id))
        .map((session) =>
          this.backend.ensureCapture(session.id, piped.get(session.id)).then(
            () => this.captureChecked.add(session.id),
            (error: unknown) => this.log.warn({ err: error, session: session.id }, 'cannot capture output'),
          ),
        ),
      ...plan.exited.map(({ session, state }) =>
        this.lifecycle.exited(session.id, { panePid: state.panePid, exitCode: state.exitCode, exitSignal: state.exitSignal }),
      ),
      ...plan.crashed.map((session) => this.lifecycle.crashed(session.id, 'its tmux session is gone')),
      ...plan.started.map((session) =>
        this.lifecycle
          .locked(session, (current) =>
            // startLocked adopts a pane whose program still runs instead of spawning another.
            isLive(current.status) ? Promise.resolve(current) : this.lifecycle.startLocked(current, 'start', { reason: 'its program was found running in tmux' }),
          )
          .catch((error: unknown) => this.log.warn({ err: error, session: session.id }, 'cannot adopt a running program')),
      ),
    ]);
    this.unmanagedNow = plan.unmanaged;
    const summary = {
      adopted: plan.adopted.length + plan.started.length,
      crashed: plan.crashed.length,
      exited: plan.exited.length,
      unmanaged: plan.unmanaged.length,
    };
    if (plan.crashed.length + plan.exited.length + plan.started.length + plan.unmanaged.length > 0) this.log.info(summary, 'reconciled with tmux');
    this.last ??= summary;
    return summary;
  }

  private onBackendEvent(event: BackendEvent): void {
    const report = (error: unknown): void => {
      this.log.warn({ err: error }, 'reconciling with tmux failed');
    };
    switch (event.type) {
      case 'connected':
        this.captureChecked.clear();
        this.reconcile().catch(report);
        break;
      case 'sessions-changed':
        this.reconcile().catch(report);
        break;
      case 'exited':
        this.lifecycle
          .exited(event.name, { panePid: event.panePid, exitCode: event.exitCode, exitSignal: event.exitSignal })
          .catch(report);
        break;
      case 'disconnected':
        break;
    }
  }
}
