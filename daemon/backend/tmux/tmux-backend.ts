import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  BackendSessionMissing,
  type AttachCommand,
  type BackendEvent,
  type BackendSessionState,
  type CaptureOptions,
  type CaptureResult,
  type ProviderStatus,
  type RuntimeInfo,
  type SessionBackend,
  type SpawnSpec,
} from '../backend.js';
import type { ResourceLimiter } from '../resource-limits.js';
import { TmuxConnection } from './connection.js';
import { DeathWatch } from './death-watch.js';
import { PaneReports } from './pane-reports.js';
import { PANE_FORMAT, parsePaneRow, toState, type PaneRow } from './panes.js';
import { isPaneHelper, programPid, sessionProcessGroups, settleStopState, signalGroups } from './process-groups.js';
import { formatLiteral } from './quote.js';
import { CONTROL_SESSION } from './server-config.js';

/** Text longer than this is pasted through a buffer instead of typed key by key. */
const PASTE_THRESHOLD_CHARS = 512;
/**
 * How long a spawn waits for sessd-pane's report of its program before it looks in
 * /proc instead: fork and exec take milliseconds, a loaded machine a while longer.
 */
const PANE_REPORT_MS = 3_000;

export interface TmuxBackendOptions {
  tmux: string;
  socket: string;
  /** Where sessd writes its tmux configuration. */
  configPath: string;
  /** The user's own tmux config, sourced by it before sessd's required settings; null or absent: none. */
  userConfig?: string | null;
  /** sessd-pane, which runs each program as its pane's foreground job; null runs programs directly (then pause cannot hold). */
  paneHelper: string | null;
  /** The socket sessd-pane reports each program's pid (or exec failure) to; null: found in /proc. */
  paneReports?: string | null;
  /** sessd-tap and the socket it streams to; null captures no output. */
  tap: { program: string; socket: string } | null;
  /** Environment of the tmux client, and of the server when the client starts one. */
  env: NodeJS.ProcessEnv;
  /** How long one tmux command may take before the call fails with a timeout. */
  commandTimeoutMs: number;
  /** Wraps each program in its resource limits. */
  limiter?: ResourceLimiter;
  /** Starts the tmux server when none runs (in its own systemd scope); default: the control client starts it. */
  startServer?: (globalArgs: string[]) => Promise<void>;
  log: Logger;
}

/**
 * Sessions in a private tmux server: one tmux session per sessd session, named by its
 * id, its program in the first pane. Commands go over a persistent control client
 * (TmuxConnection); deaths are reported by DeathWatch.
 *
 * Over 300 lines on purpose: it is the `SessionBackend` interface, method by method,
 * each a few tmux commands; the parts with ideas of their own (the control client,
 * the death watch, panes, quoting, server settings, process groups) are in their own
 * files beside it.
 */
export class TmuxBackend implements SessionBackend {
  readonly name = 'tmux';
  private readonly connection: TmuxConnection;
  private readonly deaths: DeathWatch;
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  /** Session name to the pane that runs its program. */
  private readonly panes = new Map<string, string>();
  private reports: PaneReports | null = null;
  /**
   * `%sessions-changed` notices that sessd's own new-session and kill-session commands
   * are bound to cause: those are not news, and call for no reconcile (a full
   * `list-panes -a`, O(sessions), per create and delete). Any other change is passed on.
   */
  private ownChanges = 0;

  constructor(private readonly options: TmuxBackendOptions) {
    this.connection = new TmuxConnection(options, {
      connected: (watcher) => {
        void this.afterConnect().then(() => this.deaths.watch(watcher));
      },
      disconnected: (reason) => this.emit({ type: 'disconnected', reason }),
      sessionsChanged: () => {
        if (this.ownChanges > 0) this.ownChanges--;
        else this.emit({ type: 'sessions-changed' });
      },
    });
    this.deaths = new DeathWatch({
      run: (argv) => this.run(argv),
      paneOf: (name) => this.panes.get(name),
      hasPanes: () => this.panes.size > 0,
      serverPid: () => this.connection.serverPid,
      emit: (event) => this.emit(event),
      log: options.log,
    });
  }

  /** sessd-pane reports its program's start: the program's pid and an exec failure come from it. */
  get checksPrograms(): boolean {
    return this.options.paneHelper !== null && this.reports !== null;
  }

  async start(): Promise<void> {
    if (this.options.paneHelper !== null && (this.options.paneReports ?? null) !== null) {
      try {
        this.reports = await PaneReports.listen(this.options.paneReports!);
      } catch (error) {
        // Spawns then find the program's pid in /proc, and create checks PATH itself.
        this.options.log.warn({ err: error, socket: this.options.paneReports }, 'cannot listen for pane reports');
      }
    }
    await this.connection.start();
  }

  status(): ProviderStatus {
    return {
      name: this.name,
      available: this.connection.available,
      version: this.connection.version,
      reason: this.connection.reason,
      serverPid: this.connection.serverPid,
      capabilities: [
        ...(this.options.paneHelper === null ? [] : ['pause', 'preface']),
        'signals', 'capture', 'ansi-capture', 'paste', 'restart', 'attach',
        ...(this.options.limiter?.fields ?? []).map((field) => `limits.${field}`),
      ],
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
    this.deaths.dispose();
    await this.reports?.dispose();
    await this.connection.dispose();
    this.listeners.clear();
  }

  attachCommand(name: string, readOnly: boolean): AttachCommand {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.options.env)) if (value !== undefined && key !== 'TMUX') env[key] = value;
    return {
      file: this.options.tmux,
      // -u: the pty is UTF-8 whatever the daemon's locale says (tmux would draw `_` otherwise).
      args: ['-u', '-S', this.options.socket, 'attach-session', ...(readOnly ? ['-f', 'read-only,ignore-size'] : []), '-t', `=${name}`],
      // What an editor's terminal emulates (xterm.js, Neovim's libvterm).
      env: { ...env, TERM: 'xterm-256color' },
    };
  }

  // -- lifecycle -------------------------------------------------------------

  async spawn(spec: SpawnSpec): Promise<RuntimeInfo> {
    // Written together, so tmux attaches the tap before it reads the pane's first output.
    const created = this.runChanging([
      'new-session', '-d', '-s', formatLiteral(spec.name), '-n', formatLiteral(spec.title),
      '-x', String(spec.size.cols), '-y', String(spec.size.rows), '-c', formatLiteral(spec.cwd),
      ...envArgs(spec.env), '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...this.argv(spec),
    ]);
    const tapped = this.tap(`=${spec.name}:`, spec.name);
    const [[line]] = await pipelined(created, tapped);
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
    const created = this.run([
      'new-window', '-t', `=${spec.name}:`, '-n', formatLiteral(spec.title), '-c', formatLiteral(spec.cwd),
      ...envArgs(spec.env), '-P', '-F', '#{pane_id} #{pane_pid}', '--', ...this.argv(spec),
    ]);
    const tapped = this.tap(`=${spec.name}:`, spec.name);
    const [[line]] = await pipelined(created, tapped);
    const runtime = await this.remember(spec.name, line);
    await this.run(['kill-pane', '-t', oldPane]);
    return runtime;
  }

  /**
   * Starts a tap on a pane that has none. Not `pipe-pane -o`: that is a toggle, and
   * closes a running tap. Only sessd opens pipes on its server, and a pane gets its
   * tap in the same write that creates it, so nothing opens one between the check
   * and the pipe-pane.
   */
  async ensureCapture(name: string, piped?: boolean): Promise<void> {
    if (piped === true) return;
    const pane = await this.paneOf(name);
    const [pipe] = piped === false ? ['0'] : await this.run(['display-message', '-p', '-t', pane, '#{pane_pipe}']);
    if (pipe !== '1') await this.tap(pane, name);
  }

  /** Pipes the pane to a new tap; without `-o`, pipe-pane replaces the pipe of a tap that died. */
  async restartCapture(name: string): Promise<void> {
    await this.tap(await this.paneOf(name), name);
  }

  async destroy(name: string): Promise<void> {
    try {
      await this.runChanging(['kill-session', '-t', `=${name}`]);
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
    else this.deaths.expectDeath(panePid);
  }

  async list(): Promise<BackendSessionState[]> {
    // #{pane_pipe} first, so a restart learns which panes still stream to a tap in the same pass.
    const rows = (await this.run(['list-panes', '-a', '-F', `#{pane_pipe}\t${PANE_FORMAT}`])).map((line) => {
      const row = parsePaneRow(line.slice(line.indexOf('\t') + 1));
      if (row !== null) row.piped = line.startsWith('1\t');
      return row;
    });
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
    return [...bySession.values()].map(toState);
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
    return toState(row);
  }

  async capture(name: string, options: CaptureOptions): Promise<CaptureResult> {
    const paneId = await this.paneOf(name);
    const argv = ['capture-pane', '-p', ...(options.rows === true ? [] : ['-J']), '-t', paneId];
    if (options.ansi === true) argv.push('-e');
    if (options.history === true) argv.push('-S', '-');
    else if (options.lines !== undefined) argv.push('-S', String(-options.lines));
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

  async sendText(name: string, text: string, submit: boolean, options: { paste?: boolean } = {}): Promise<void> {
    const paneId = await this.paneOf(name);
    const calls: Promise<unknown>[] = [];
    if ((options.paste === true && text.length > 0) || text.length > PASTE_THRESHOLD_CHARS || /\p{Cc}/u.test(text)) {
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

  /** A new connection (perhaps to a new server): relearn the panes, then tell the domain to reconcile. */
  private async afterConnect(): Promise<void> {
    this.panes.clear();
    // A new connection has seen none of sessd's changes yet; it reconciles in full anyway.
    this.ownChanges = 0;
    try {
      await this.list();
    } catch (error) {
      this.options.log.warn({ err: error }, 'listing tmux sessions after connecting failed');
    }
    this.emit({ type: 'connected' });
  }

  private emit(event: BackendEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private run(argv: string[]): Promise<string[]> {
    return this.connection.run(argv);
  }

  /** Runs a command that adds or removes a tmux session; see `ownChanges`. */
  private runChanging(argv: string[]): Promise<string[]> {
    this.ownChanges++;
    return this.run(argv).catch((error: unknown) => {
      // Whether tmux changed anything is unknown now: its notice, if one comes, is not
      // taken for ours, and a reconcile looks (one too many is harmless, one missed is not).
      this.ownChanges = Math.max(0, this.ownChanges - 1);
      this.emit({ type: 'sessions-changed' });
      throw error;
    });
  }

  private async remember(name: string, line: string | undefined): Promise<RuntimeInfo> {
    const [paneId, pid] = (line ?? '').split(' ');
    if (paneId === undefined || !paneId.startsWith('%') || pid === undefined) {
      throw new Error(`unexpected reply from tmux: ${line ?? '(none)'}`);
    }
    this.panes.set(name, paneId);
    const panePid = Number(pid);
    if (this.options.paneHelper === null) return { paneId, panePid, pid: panePid };
    const report = this.reports === null ? null : await this.reports.wait(panePid, PANE_REPORT_MS);
    if (report === null) return { paneId, panePid, pid: await programPid(panePid) };
    if (report.error !== null) return { paneId, panePid, pid: panePid, execError: report.error };
    return { paneId, panePid, pid: report.pid };
  }

  private argv(spec: SpawnSpec): string[] {
    const helper = this.options.paneHelper;
    const command = [...(this.options.limiter?.prefix(spec.name, spec.limits) ?? []), ...spec.command];
    if (helper !== null) {
      const rlimits = this.options.limiter?.paneArgs(spec.limits) ?? [];
      const report = this.reports === null ? [] : ['--report', this.reports.path];
      // Behind a wrapper (systemd-run), an exec that works says nothing of the program: sessd-pane checks it first.
      const check = this.reports !== null && command.length > spec.command.length ? ['--program', spec.command[0]!] : [];
      return [helper, ...(spec.preface === undefined ? [] : ['--preface', spec.preface]), ...rlimits, ...report, ...check, ...command];
    }
    // tmux runs a one-word command through `sh -c`, which would re-parse it.
    return command.length === 1 ? ['/bin/sh', '-c', 'exec "$0"', command[0]!] : command;
  }

  /** Pipes the pane's output to a new sessd-tap. tmux expands #{pane_pid} before /bin/sh runs it. */
  private async tap(target: string, name: string): Promise<void> {
    const tap = this.options.tap;
    if (tap === null) return;
    const quote = (s: string): string => `'${formatLiteral(s.replace(/'/g, `'\\''`))}'`;
    const command = `exec ${quote(tap.program)} ${quote(tap.socket)} ${quote(name)} #{pane_pid}`;
    await this.run(['pipe-pane', '-O', '-t', target, command]);
  }

  private async paneOf(name: string): Promise<string> {
    const known = this.panes.get(name);
    if (known !== undefined) return known;
    const state = await this.state(name);
    if (state === null || state.paneId === null) throw new BackendSessionMissing(name);
    return state.paneId;
  }
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

/** Awaits commands written together; when several fail, the first one's error is the one reported. */
async function pipelined<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
