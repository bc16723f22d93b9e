import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { BackendSessionMissing, BackendTimeout, BackendUnavailable } from '../backend.js';
import { ControlClient, ControlClientClosed, TmuxCommandError, TmuxTimeout } from './control-client.js';
import { CONTROL_SESSION, MIN_TMUX_VERSION, tmuxConfigFile, tmuxSettings, tmuxVersion, versionAtLeast, type TmuxVersion } from './server-config.js';

/** Reconnect backoff: a restarted server answers within milliseconds; a missing binary must not spin. */
const RECONNECT_DELAYS_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000];
/** How long a call waits for a reconnect in progress before failing as unavailable. */
const CALL_WAIT_MS = 3_000;
/** The watcher's wait-for blocks by design, so its commands never time out (the largest timer Node allows). */
const NO_TIMEOUT_MS = 2 ** 31 - 1;

/** A user option on the server naming the settings (`tmuxSettings`) last applied to it. */
const SETTINGS_MARK = '@sessd-settings';

function settingsDigest(settings: readonly string[][]): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

export interface TmuxConnectionOptions {
  tmux: string;
  socket: string;
  /** Where sessd writes its tmux configuration. */
  configPath: string;
  /** The user's own tmux config, sourced by it before sessd's required settings; null or absent: none. */
  userConfig?: string | null;
  /** Environment of the tmux client, and of the server when the client starts one. */
  env: NodeJS.ProcessEnv;
  /** How long one tmux command may take before the call fails with a timeout. */
  commandTimeoutMs: number;
  /** Starts the server when none runs; without it, the first control client starts it (as sessd's child, in sessd's cgroup). */
  startServer?: (globalArgs: string[]) => Promise<void>;
  log: Logger;
}

export interface ConnectionListener {
  /** Both clients are up; `watcher` is the one to block on. */
  connected(watcher: ControlClient): void;
  disconnected(reason: string): void;
  sessionsChanged(): void;
}

/**
 * The pair of control clients on sessd's private tmux server: `main` runs every
 * command; `watcher` only blocks on the pane-died channel. When either goes away,
 * pending calls are rejected with the cause and both are reconnected with backoff
 * (which starts a new server if the old one died).
 */
export class TmuxConnection {
  private main: ControlClient | undefined;
  private watcher: ControlClient | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private disposed = false;
  private tmuxVersion: TmuxVersion | undefined;
  private pid: number | null = null;
  private why: string | null = 'not started';
  /** Calls waiting for a reconnect in progress. */
  private readonly connectWaiters = new Set<() => void>();

  constructor(
    private readonly options: TmuxConnectionOptions,
    private readonly listener: ConnectionListener,
  ) {}

  get available(): boolean {
    return this.main !== undefined;
  }

  get version(): string | null {
    return this.tmuxVersion?.text ?? null;
  }

  /** The tmux server's pid while connected. */
  get serverPid(): number | null {
    return this.main !== undefined ? this.pid : null;
  }

  /** Why tmux is unavailable, or null. */
  get reason(): string | null {
    return this.main !== undefined ? null : this.why;
  }

  /** Connects; resolves after the first attempt, which may have failed (then it retries on its own). */
  start(): Promise<void> {
    return this.connect();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    for (const resolve of this.connectWaiters) resolve();
    this.connectWaiters.clear();
    await this.connecting?.catch(() => undefined);
    const clients = [this.main, this.watcher];
    this.main = this.watcher = undefined;
    await Promise.all(clients.map((c) => c?.close() ?? Promise.resolve()));
  }

  /** Runs one command on the main client (waiting briefly for a reconnect in progress), mapping tmux's failures. */
  async run(argv: string[]): Promise<string[]> {
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
    throw new BackendUnavailable(this.why ?? 'tmux is not reachable');
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
      this.tmuxVersion ??= await tmuxVersion(tmux);
      if (!versionAtLeast(this.tmuxVersion, MIN_TMUX_VERSION)) {
        throw new Error(`tmux ${this.tmuxVersion.text} is too old: sessd needs ${MIN_TMUX_VERSION.join('.')} or newer`);
      }
      const settings = tmuxSettings(this.tmuxVersion);
      await writeFile(configPath, tmuxConfigFile(settings, this.options.userConfig ?? null), { mode: 0o600 });
      // -u: in a C locale (systemd starts services with no LANG) tmux would replace the
      // tabs and non-ASCII text of control-mode replies with `_`, and no reply would parse.
      const globalArgs = ['-u', '-S', socket, '-f', configPath];
      await this.options.startServer?.(globalArgs);
      const main = await ControlClient.start({
        tmux,
        globalArgs,
        env,
        commandTimeoutMs,
        // The control session holds an idle program so it lives whatever the options say.
        attach: ['new-session', '-A', '-s', CONTROL_SESSION, '-x', '80', '-y', '24', '--', 'sleep', 'infinity'],
      });
      let watcher: ControlClient;
      try {
        await main.run(['refresh-client', '-f', 'no-output']);
        const [line] = await main.run(['display-message', '-p', `#{pid}\t#{${SETTINGS_MARK}}`]);
        const [pid, applied] = (line ?? '').split('\t');
        this.pid = Number(pid) || null;
        // Each global option set costs tmux a pass over every session (15-50 ms at 1,000): a
        // server that has these settings already (a daemon restart) is not sent them again.
        const digest = settingsDigest(settings);
        if (applied !== digest) {
          for (const setting of settings) await main.run(setting);
          await main.run(['set-option', '-g', SETTINGS_MARK, digest]);
        }
        watcher = await ControlClient.start({ tmux, globalArgs, env, commandTimeoutMs: NO_TIMEOUT_MS, attach: ['attach-session', '-t', `=${CONTROL_SESSION}`] });
        await watcher.run(['refresh-client', '-f', 'no-output']);
      } catch (error) {
        await main.close();
        throw error;
      }
      if (this.disposed) {
        await Promise.all([main.close(), watcher.close()]);
        return;
      }
      this.main = main;
      this.watcher = watcher;
      await this.endStaleClients([main.pid, watcher.pid]);
      this.attempts = 0;
      this.why = null;
      main.onNotification((n) => {
        if (n.name === 'sessions-changed') this.listener.sessionsChanged();
      });
      main.onClose((why) => this.lost(why));
      watcher.onClose((why) => this.lost(why));
      if (main.isClosed || watcher.isClosed) {
        this.lost('tmux closed the control client while connecting');
        return;
      }
      log.info({ tmux: this.tmuxVersion.text, serverPid: this.pid, socket }, 'tmux connected');
      for (const resolve of this.connectWaiters) resolve();
      this.connectWaiters.clear();
      this.listener.connected(watcher);
    } catch (error) {
      this.why = explainFailure(tmux, error);
      log.warn({ err: this.why, socket }, 'tmux unavailable');
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
    this.why = `tmux went away: ${why}`;
    // The survivor of the pair is closed too; both are recreated together.
    for (const client of clients) void client?.close();
    if (this.disposed) return;
    this.options.log.warn({ reason: why }, 'tmux control client lost');
    this.listener.disconnected(why);
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
}

function explainFailure(tmux: string, error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return `tmux not found (ran "${tmux}"): install tmux ${MIN_TMUX_VERSION.join('.')} or newer`;
  }
  return error instanceof Error ? error.message : String(error);
}
