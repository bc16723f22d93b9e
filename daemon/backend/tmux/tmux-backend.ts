import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import {
  BackendSessionMissing,
  BackendTimeout,
  BackendUnavailable,
  type BackendEvent,
  type BackendSessionState,
  type CaptureOptions,
  type CaptureResult,
  type ProviderStatus,
  type RuntimeInfo,
  type SessionBackend,
  type SpawnSpec,
} from '../backend.js';
import { ControlClient, ControlClientClosed, TmuxCommandError, TmuxTimeout } from './control-client.js';
import { isPaneHelper, programPid, sessionProcessGroups, settleStopState, signalGroups, signalName } from './process-groups.js';
import {
  CONTROL_SESSION,
  MIN_TMUX_VERSION,
  PANE_DIED_CHANNEL,
  tmuxConfigFile,
  tmuxSettings,
  tmuxVersion,
  versionAtLeast,
  type TmuxVersion,
} from './server-config.js';

/** Reconnect backoff: a restarted server answers within milliseconds; a missing binary must not spin. */
const RECONNECT_DELAYS_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000];
/** How long a call waits for a reconnect in progress before failing as unavailable. */
const CALL_WAIT_MS = 3_000;
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
/** How many re-reads before the death is reported without a status. */
const STATUS_RETRIES = 100;
/** Text longer than this is pasted through a buffer instead of typed key by key. */
const PASTE_THRESHOLD_CHARS = 512;

export interface TmuxBackendOptions {
  tmux: string;
  socket: string;
  /** Where sessd writes its tmux configuration. */
  configPath: string;
  /** sessd-pane, which runs each program as its pane's foreground job; null runs programs directly (then pause cannot hold). */
  paneHelper: string | null;
  /** Environment of the tmux client, and of the server when the client starts one. */
  env: NodeJS.ProcessEnv;
  /** How long one tmux command may take before the call fails with a timeout. */
  commandTimeoutMs: number;
  log: Logger;
}

const PANE_FORMAT = [
  '#{pane_id}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{session_created}',
  '#{window_index}',
  '#{pane_index}',
  '#{session_name}',
].join('\t');

interface PaneRow extends BackendSessionState {
  order: number;
}

/** Parses one PANE_FORMAT line; the session name comes last because it may hold tabs. */
export function parsePaneRow(line: string): PaneRow | null {
  const fields: string[] = [];
  let rest = line;
  for (let i = 0; i < 8; i++) {
    const tab = rest.indexOf('\t');
    if (tab === -1) return null;
    fields.push(rest.slice(0, tab));
    rest = rest.slice(tab + 1);
  }
  const [paneId, pid, dead, status, signal, created, window, pane] = fields as [string, ...string[]];
  const signo = Number.parseInt(signal!, 10);
  const code = Number.parseInt(status!, 10);
  const isDead = dead === '1';
  return {
    name: rest,
    paneId,
    panePid: Number.parseInt(pid!, 10) || null,
    dead: isDead,
    exitCode: !isDead ? null : Number.isNaN(signo) ? (Number.isNaN(code) ? null : code) : 128 + signo,
    exitSignal: isDead && !Number.isNaN(signo) ? signalName(signo) : null,
    createdAt: created ? new Date(Number(created) * 1000).toISOString() : null,
    order: Number(window) * 10_000 + Number(pane),
  };
}

/**
 * Sessions in a private tmux server, driven over one persistent control-mode client.
 * A second control client only waits on the pane-died channel. When either client
 * goes away, pending calls are rejected with the cause, `disconnected` fires, and
 * both are reconnected with backoff (starting a new server if the old one died).
 */
export class TmuxBackend implements SessionBackend {
  readonly name = 'tmux';
  private main: ControlClient | undefined;
  private watcher: ControlClient | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private disposed = false;
  private version: TmuxVersion | undefined;
  private serverPid: number | null = null;
  private reason: string | null = 'not started';
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  /** Session name to the pane that runs its program. */
  private readonly panes = new Map<string, string>();
  /** `paneId:pid` of every death already reported, so each is reported once. */
  private readonly reportedDeaths = new Set<string>();
  private deathCheck: Promise<void> | undefined;
  private deathCheckAgain = false;
  /** Re-reads of dead panes whose exit status tmux had not recorded yet. */
  private readonly statusTries = new Map<string, number>();
  private statusRetry: NodeJS.Timeout | undefined;
  /** Pane pids sessd sent a terminating signal, with when to stop nudging for them. */
  private readonly expectedDeaths = new Map<number, number>();
  private killNudger: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** Calls waiting for a reconnect in progress. */
  private readonly connectWaiters = new Set<() => void>();

  constructor(private readonly options: TmuxBackendOptions) {}

  async start(): Promise<void> {
    await this.connect();
  }

  status(): ProviderStatus {
    return {
      name: this.name,
      available: this.main !== undefined,
      version: this.version?.text ?? null,
      reason: this.main !== undefined ? null : this.reason,
      serverPid: this.main !== undefined ? this.serverPid : null,
      capabilities: [...(this.options.paneHelper === null ? [] : ['pause']), 'signals', 'capture', 'ansi-capture', 'paste', 'restart', 'attach'],
    };
  }

  isInternal(name: string): boolean {
    return name === CONTROL_SESSION;
  }

  onEvent(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.statusRetry);
    clearInterval(this.killNudger);
    clearInterval(this.sweeper);
    for (const resolve of this.connectWaiters) resolve();
    this.connectWaiters.clear();
    await this.connecting?.catch(() => undefined);
    const clients = [this.main, this.watcher];
    this.main = this.watcher = undefined;
    await Promise.all(clients.map((c) => c?.close() ?? Promise.resolve()));
    this.listeners.clear();
  }

  // -- lifecycle -------------------------------------------------------------

  async spawn(spec: SpawnSpec): Promise<RuntimeInfo> {
    const [line] = await this.run([
      'new-session', '-d', '-s', spec.name, '-n', spec.title,
      '-x', String(spec.size.cols), '-y', String(spec.size.rows), '-c', spec.cwd,
      ...envArgs(spec.env), '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...this.argv(spec.command),
    ]);
    return this.remember(spec.name, line);
  }

  /**
   * Runs the program again in a new window of the same session and removes the dead
   * pane, so attached clients stay attached. Not `respawn-pane`: with a control-mode
   * client behind on the pane (iTerm2's -CC, say), tmux 3.3a-3.6a segfault on the
   * respawned pane's next output and take every session with them (tmux/tmux#5499).
   */
  async respawn(spec: SpawnSpec): Promise<RuntimeInfo> {
    const oldPane = await this.paneOf(spec.name);
    const [line] = await this.run([
      'new-window', '-t', `=${spec.name}:`, '-n', spec.title, '-c', spec.cwd,
      ...envArgs(spec.env), '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...this.argv(spec.command),
    ]);
    const runtime = await this.remember(spec.name, line);
    await this.run(['kill-pane', '-t', oldPane]);
    return runtime;
  }

  async destroy(name: string): Promise<void> {
    try {
      await this.run(['kill-session', '-t', `=${name}`]);
    } catch (error) {
      if (!(error instanceof BackendSessionMissing)) throw error;
    }
    this.panes.delete(name);
  }

  async signal(name: string, signals: readonly NodeJS.Signals[]): Promise<void> {
    const state = await this.state(name);
    if (state === null || state.dead || state.panePid === null) return;
    const panePid = state.panePid;
    const pausing = signals.every((s) => s === 'SIGSTOP' || s === 'SIGCONT');
    let groups = await sessionProcessGroups(panePid);
    // sessd-pane itself is never stopped: tmux would continue it (and only it) at once.
    if (pausing && (await isPaneHelper(panePid))) groups = groups.filter((g) => g !== panePid);
    for (const signal of signals) signalGroups(groups, signal);
    if (pausing) await settleStopState(await programPid(panePid), signals[signals.length - 1] === 'SIGSTOP');
    else this.expectDeath(panePid);
  }

  /** Sends SIGCHLD to the tmux server; see the note above KILL_NUDGE_MS for why. */
  private nudge(): void {
    if (this.serverPid === null) return;
    try {
      process.kill(this.serverPid, 'SIGCHLD');
    } catch {
      // The server is gone; the control clients' end reports that.
    }
  }

  /** Nudges the server often until `panePid`'s death is seen (or for KILL_NUDGE_FOR_MS). */
  private expectDeath(panePid: number): void {
    this.expectedDeaths.set(panePid, Date.now() + KILL_NUDGE_FOR_MS);
    this.nudge();
    this.killNudger ??= setInterval(() => {
      const now = Date.now();
      for (const [pid, until] of this.expectedDeaths) if (until < now) this.expectedDeaths.delete(pid);
      if (this.expectedDeaths.size === 0) {
        clearInterval(this.killNudger);
        this.killNudger = undefined;
        return;
      }
      this.nudge();
    }, KILL_NUDGE_MS);
  }

  async list(): Promise<BackendSessionState[]> {
    const rows = (await this.run(['list-panes', '-a', '-F', PANE_FORMAT])).map(parsePaneRow);
    const bySession = new Map<string, PaneRow>();
    for (const row of rows) {
      if (row === null) continue;
      const known = this.panes.get(row.name);
      const current = bySession.get(row.name);
      // The program's pane is the one sessd created; otherwise the first one.
      if (current === undefined || row.paneId === known || (current.paneId !== known && row.order < current.order)) {
        bySession.set(row.name, row);
      }
    }
    // Only fills gaps: a listing may be older than a spawn or restart that finished while
    // it was in flight, and must not undo what that recorded. Entries go with `destroy`.
    for (const [name, row] of bySession) if (row.paneId !== null && !this.panes.has(name)) this.panes.set(name, row.paneId);
    return [...bySession.values()].map(({ order: _order, ...state }) => state);
  }

  // -- observer --------------------------------------------------------------

  async state(name: string): Promise<BackendSessionState | null> {
    let lines: string[];
    try {
      lines = await this.run(['list-panes', '-s', '-t', `=${name}`, '-F', PANE_FORMAT]);
    } catch (error) {
      if (error instanceof BackendSessionMissing) return null;
      throw error;
    }
    const rows = lines.map(parsePaneRow).filter((r): r is PaneRow => r !== null);
    const known = this.panes.get(name);
    const row = rows.find((r) => r.paneId === known) ?? rows.sort((a, b) => a.order - b.order)[0];
    if (row === undefined) return null;
    if (row.paneId !== null) this.panes.set(name, row.paneId);
    const { order: _order, ...state } = row;
    return state;
  }

  async capture(name: string, options: CaptureOptions): Promise<CaptureResult> {
    const paneId = await this.paneOf(name);
    const argv = ['capture-pane', '-p', '-J', '-t', paneId];
    if (options.ansi === true) argv.push('-e');
    if (options.lines !== undefined) argv.push('-S', String(-options.lines));
    const [lines, cursor] = await Promise.all([
      this.run(argv),
      this.run(['display-message', '-p', '-t', paneId, '#{cursor_x} #{cursor_y}']),
    ]);
    // -J joins wrapped lines but keeps the padding of every line; drop it, as plain capture-pane does.
    const trimmed = lines.map((line) => line.replace(/ +$/, ''));
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === '') trimmed.pop();
    const kept = options.lines !== undefined ? trimmed.slice(-options.lines) : trimmed;
    const [x, y] = (cursor[0] ?? '0 0').split(' ').map(Number);
    return { text: kept.join('\n'), cursor: { x: x ?? 0, y: y ?? 0 } };
  }

  // -- actor -----------------------------------------------------------------

  async sendText(name: string, text: string, submit: boolean): Promise<void> {
    const paneId = await this.paneOf(name);
    const calls: Promise<unknown>[] = [];
    if (text.length > PASTE_THRESHOLD_CHARS || /\p{Cc}/u.test(text)) {
      // A paste arrives as one input (bracketed when the program asked for it), so a
      // newline or a control character inside it is text, not a keystroke that submits
      // or interrupts, and a TUI need not keep up with key-by-key typing. -r keeps LF
      // and CR as they are.
      const buffer = `sessd-${randomBytes(6).toString('hex')}`;
      await this.run(['set-buffer', '-b', buffer, '--', text]);
      calls.push(this.run(['paste-buffer', '-d', '-p', '-r', '-b', buffer, '-t', paneId]));
    } else if (text.length > 0) {
      calls.push(this.run(['send-keys', '-l', '-t', paneId, '--', text]));
    }
    if (submit) calls.push(this.run(['send-keys', '-t', paneId, 'Enter']));
    await Promise.all(calls);
  }

  async sendKeys(name: string, keys: readonly string[]): Promise<void> {
    const paneId = await this.paneOf(name);
    await this.run(['send-keys', '-t', paneId, '--', ...keys]);
  }

  // -- plumbing --------------------------------------------------------------

  private async remember(name: string, line: string | undefined): Promise<RuntimeInfo> {
    const [paneId, pid] = (line ?? '').split(' ');
    if (paneId === undefined || !paneId.startsWith('%') || pid === undefined) {
      throw new Error(`unexpected reply from tmux: ${line ?? '(none)'}`);
    }
    this.panes.set(name, paneId);
    const panePid = Number(pid);
    return { paneId, panePid, pid: this.options.paneHelper === null ? panePid : await programPid(panePid) };
  }

  private argv(command: readonly string[]): string[] {
    if (this.options.paneHelper !== null) return [this.options.paneHelper, ...command];
    // tmux runs a one-word command through `sh -c`, which would re-parse it.
    return command.length === 1 ? ['/bin/sh', '-c', 'exec "$0"', command[0]!] : [...command];
  }

  private async paneOf(name: string): Promise<string> {
    const known = this.panes.get(name);
    if (known !== undefined) return known;
    const state = await this.state(name);
    if (state === null || state.paneId === null) throw new BackendSessionMissing(name);
    return state.paneId;
  }

  /** Runs a command on the main client, waiting briefly for a reconnect in progress. */
  private async run(argv: string[]): Promise<string[]> {
    const client = await this.client();
    try {
      return await client.run(argv);
    } catch (error) {
      if (error instanceof ControlClientClosed) throw new BackendUnavailable(error.message);
      if (error instanceof TmuxTimeout) throw new BackendTimeout(error.message, error.timeoutMs);
      if (error instanceof TmuxCommandError && /^can't find (session|pane|window)/.test(error.output)) {
        const target = argv[argv.indexOf('-t') + 1] ?? '';
        throw new BackendSessionMissing(target.replace(/^=/, ''));
      }
      throw error;
    }
  }

  private async client(): Promise<ControlClient> {
    if (this.main !== undefined) return this.main;
    if (this.disposed) throw new BackendUnavailable('sessd is stopping');
    if (this.connecting === undefined) this.scheduleReconnect(0);
    let timer: NodeJS.Timeout | undefined;
    const waiter = new Promise<void>((resolve) => this.connectWaiters.add(resolve));
    await Promise.race([waiter, new Promise<void>((resolve) => (timer = setTimeout(resolve, CALL_WAIT_MS)))]);
    clearTimeout(timer);
    if (this.main !== undefined) return this.main;
    throw new BackendUnavailable(this.reason ?? 'tmux is not reachable');
  }

  private emit(event: BackendEvent): void {
    if (event.type === 'connected') {
      for (const resolve of this.connectWaiters) resolve();
      this.connectWaiters.clear();
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.doConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const { tmux, socket, configPath, env, log, commandTimeoutMs } = this.options;
    try {
      this.version ??= await tmuxVersion(tmux);
      if (!versionAtLeast(this.version, MIN_TMUX_VERSION)) {
        throw new Error(`tmux ${this.version.text} is too old: sessd needs ${MIN_TMUX_VERSION.join('.')} or newer`);
      }
      const settings = tmuxSettings(this.version);
      await writeFile(configPath, tmuxConfigFile(settings), { mode: 0o600 });
      const globalArgs = ['-S', socket, '-f', configPath];
      const main = await ControlClient.start({
        tmux,
        globalArgs,
        env,
        commandTimeoutMs,
        // The control session holds an idle program so it lives whatever the options say.
        attach: ['new-session', '-A', '-s', CONTROL_SESSION, '-x', '80', '-y', '24', '--', 'sleep', 'infinity'],
      });
      try {
        await main.run(['refresh-client', '-f', 'no-output']);
        for (const setting of settings) await main.run(setting);
        const [pid] = await main.run(['display-message', '-p', '#{pid}']);
        this.serverPid = Number(pid) || null;
        // The watcher's wait-for blocks by design, so its commands never time out.
        const watcher = await ControlClient.start({
          tmux,
          globalArgs,
          env,
          commandTimeoutMs: 2 ** 31 - 1,
          attach: ['attach-session', '-t', `=${CONTROL_SESSION}`],
        });
        await watcher.run(['refresh-client', '-f', 'no-output']);
        if (this.disposed) {
          await Promise.all([main.close(), watcher.close()]);
          return;
        }
        this.main = main;
        this.watcher = watcher;
      } catch (error) {
        await main.close();
        throw error;
      }
      await this.endStaleClients([this.main.pid, this.watcher.pid]);
      this.attempts = 0;
      this.reason = null;
      this.main.onNotification((n) => {
        if (n.name === 'sessions-changed') this.emit({ type: 'sessions-changed' });
      });
      this.main.onClose((why) => this.lost(why));
      this.watcher.onClose((why) => this.lost(why));
      if (this.main.isClosed || this.watcher.isClosed) {
        this.lost('tmux closed the control client while connecting');
        return;
      }
      this.panes.clear();
      await this.list();
      this.sweeper ??= setInterval(() => {
        if (this.main !== undefined && this.panes.size > 0) this.nudge();
      }, SWEEP_NUDGE_MS);
      this.sweeper.unref();
      log.info({ tmux: this.version.text, serverPid: this.serverPid, socket }, 'tmux connected');
      this.emit({ type: 'connected' });
      this.watchDeaths(this.watcher);
    } catch (error) {
      this.reason = explainFailure(tmux, error);
      log.warn({ err: this.reason, socket }, 'tmux unavailable');
      this.scheduleReconnect();
    }
  }

  /**
   * Ends control clients left on the control session by an earlier sessd that died
   * without closing them. tmux writes their output straight into a pipe whose reader
   * is gone, and such a client never finishes leaving: it lingers, and keeps the
   * server from exiting when asked to.
   */
  private async endStaleClients(ours: (number | undefined)[]): Promise<void> {
    const lines = await this.run(['list-clients', '-t', `=${CONTROL_SESSION}`, '-F', '#{client_pid} #{client_control_mode}']);
    for (const line of lines) {
      const [pid, control] = line.split(' ').map(Number);
      if (pid === undefined || control !== 1 || ours.includes(pid)) continue;
      this.options.log.info({ pid }, 'ending a control client left by an earlier sessd');
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }

  private lost(why: string): void {
    if (this.main === undefined) return;
    const clients = [this.main, this.watcher];
    this.main = this.watcher = undefined;
    this.reason = `tmux went away: ${why}`;
    // The survivor of the pair is closed too; both are recreated together.
    for (const client of clients) void client?.close();
    if (this.disposed) return;
    this.options.log.warn({ reason: why }, 'tmux control client lost');
    this.emit({ type: 'disconnected', reason: why });
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(delay?: number): void {
    if (this.disposed || this.reconnectTimer !== undefined) return;
    const ms = delay ?? RECONNECT_DELAYS_MS[Math.min(this.attempts, RECONNECT_DELAYS_MS.length - 1)]!;
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, ms);
  }

  /** Loops `wait-for` on the pane-died channel until the watcher goes away. */
  private watchDeaths(watcher: ControlClient): void {
    const loop = async (): Promise<void> => {
      while (!watcher.isClosed) {
        this.checkDeaths();
        try {
          await watcher.run(['wait-for', PANE_DIED_CHANNEL]);
          this.options.log.trace('a pane died');
        } catch {
          // The watcher closed; `lost` handles reconnecting and this loop ends.
          return;
        }
      }
    };
    void loop();
  }

  /**
   * Lists dead panes and reports each newly dead program once. Calls that arrive
   * while a scan runs make it scan once more; the running flag is cleared in the same
   * turn as the last check of that request, so no call falls in between.
   */
  private checkDeaths(): void {
    this.deathCheckAgain = true;
    if (this.deathCheck !== undefined) return;
    this.deathCheck = (async () => {
      while (this.deathCheckAgain && !this.disposed) {
        this.deathCheckAgain = false;
        await this.scanDeaths();
      }
      this.deathCheck = undefined;
    })();
  }

  private async scanDeaths(): Promise<void> {
    let rows: (PaneRow | null)[];
    try {
      rows = (await this.run(['list-panes', '-a', '-f', '#{pane_dead}', '-F', PANE_FORMAT])).map(parsePaneRow);
    } catch {
      // tmux went away mid-scan; the reconnect reconciles everything anyway.
      return;
    }
    const stillDead = new Set<string>();
    let statusPending = false;
    for (const row of rows) {
      if (row === null || this.panes.get(row.name) !== row.paneId) continue;
      const key = `${row.paneId}:${row.panePid}`;
      stillDead.add(key);
      if (this.reportedDeaths.has(key)) continue;
      // tmux marks a pane dead at the pty's end or at SIGCHLD, whichever comes first;
      // the status comes with SIGCHLD and no notification follows it.
      const tries = this.statusTries.get(key) ?? 0;
      if (row.exitCode === null && tries < STATUS_RETRIES) {
        this.statusTries.set(key, tries + 1);
        statusPending = true;
        continue;
      }
      this.statusTries.delete(key);
      this.reportedDeaths.add(key);
      if (row.panePid !== null) this.expectedDeaths.delete(row.panePid);
      this.options.log.debug({ session: row.name, pane: row.paneId, exitCode: row.exitCode, signal: row.exitSignal, tries }, 'program ended');
      this.emit({ type: 'exited', name: row.name, panePid: row.panePid, exitCode: row.exitCode, exitSignal: row.exitSignal });
    }
    // Forget panes that were restarted or removed, so the set stays as small as the dead.
    for (const key of this.reportedDeaths) if (!stillDead.has(key)) this.reportedDeaths.delete(key);
    if (statusPending && this.statusRetry === undefined) {
      this.nudge();
      this.statusRetry = setTimeout(() => {
        this.statusRetry = undefined;
        this.checkDeaths();
      }, STATUS_RETRY_MS);
    }
  }
}

function explainFailure(tmux: string, error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return `tmux not found (ran "${tmux}"): install tmux ${MIN_TMUX_VERSION.join('.')} or newer`;
  }
  return error instanceof Error ? error.message : String(error);
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

