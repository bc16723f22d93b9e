import { lstat, unlink } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import { homedir } from 'node:os';
import type { Logger } from 'pino';
import { resolvePaths, type SessdPaths } from '../shared/paths.js';
import { compose, type Composed } from './compose.js';
import { loadConfig } from './config/config.js';
import { LiveConfig } from './config/live.js';
import { errors } from './errors.js';
import { claim, type ProcessLock } from './lock.js';
import type { SessdLogger } from './log.js';
import type { DaemonOptions } from './options.js';
import { ClientConnection } from './rpc/connection.js';
import { ListenError, listenFd, listenUnix, systemdSocketFd, unixSocketPath } from './rpc/listener.js';
import { TapServer } from './transcripts/tap-server.js';

/** A log file's size before it is rotated, and the rotated files kept, unless the config says. */
const LOG_FILE_BYTES = 10 * 1024 * 1024;
const LOG_FILES = 5;

/** Connections past limits.connections kept open just long enough to be told why. */
const REFUSED_KEPT = 64;

/** How long connections get to drain their last replies when the daemon stops. */
const DRAIN_MS = 1_000;

/**
 * The daemon's life: claim its paths, build its parts (compose.ts), listen, connect
 * to tmux, reconcile, serve; and stop in reverse, leaving every session running.
 */
export class Daemon {
  private readonly connections = new Set<ClientConnection>();
  private nextConnectionId = 1;
  /** Connections over the limit, waiting for their refusal to be written. */
  private refusing = 0;
  private server: Server | undefined;
  private tap: TapServer | undefined;
  /** The socket file this daemon created, to remove exactly that one at the end. */
  private socketFile: { ino: number; dev: number } | undefined;
  /** Connections accepted while starting; served once ready. */
  private held: Socket[] | null = [];
  private stopping: Promise<void> | undefined;
  private readonly stopListeners = new Set<() => void>();
  private composed: Composed | undefined;
  private config: LiveConfig | undefined;

  private constructor(
    private readonly log: Logger,
    readonly paths: SessdPaths,
    private readonly locks: ProcessLock[],
  ) {}

  static async start(options: DaemonOptions, log: Logger, logging?: Pick<SessdLogger, 'addFile'>): Promise<Daemon> {
    const paths = resolvePaths(options, { env: process.env, uid: process.getuid?.() ?? 0, home: homedir() });
    const loaded = await loadConfig(paths.configCandidates, paths.configExplicit, homedir());
    if (loaded.problem !== null) {
      if (paths.configExplicit && loaded.problem.line === null) throw new ListenError(`config ${loaded.error}`);
      log.error({ config: loaded.file, problem: loaded.problem }, `config not loaded; using defaults: ${loaded.error}`);
    }
    const logSettings = loaded.config.log;
    if (options.logLevel === undefined && process.env.SESSD_LOG_LEVEL === undefined && logSettings.level !== undefined) log.level = logSettings.level;
    const logFile = options.logFile ?? logSettings.file;
    if (logFile !== undefined) logging?.addFile(logFile, logSettings.maxBytes ?? LOG_FILE_BYTES, logSettings.files ?? LOG_FILES);
    const config = new LiveConfig(loaded, paths.configCandidates, paths.configExplicit, homedir(), log.child({ component: 'config' }));
    const systemdFd = systemdSocketFd(process.env);
    const daemon = new Daemon(log, paths, [await claim(paths, systemdFd !== undefined, log)]);
    daemon.config = config;
    try {
      const composed = (daemon.composed = await compose(options, paths, config, log, {
        connections: () => daemon.connections.size,
        shutdown: () => setImmediate(() => void daemon.stop('shutdown requested')),
      }));
      // Bound first, so that a refused socket starts nothing; clients that connect
      // meanwhile wait for the reconciliation instead of finding no daemon.
      await daemon.listen(systemdFd);
      // Edits from here on apply without a restart (the watch is ready before `ready`).
      await config.watch();
      const { registry, tapSocket } = composed;
      daemon.tap = await TapServer.listen(
        tapSocket,
        composed.transcripts,
        (id) => registry.get(id) !== undefined || registry.isReservedId(id),
        log,
        composed.backend,
      );
      await composed.backend.start();
      if (composed.backend.status().available) await composed.reconciler.reconcile();
      // What the last daemon left waiting: restarts and queued messages; activity of what runs.
      composed.supervisor.rearm();
      composed.activity.trackRunning();
      composed.queue.rearm();
      composed.backups.start();
    } catch (error) {
      await daemon.stop('start-up failed');
      throw error;
    }
    daemon.serveHeld();
    log.info({ socket: paths.socket, tmuxSocket: paths.tmuxSocket, stateDir: paths.stateDir, sessions: daemon.composed.registry.size }, 'ready');
    return daemon;
  }

  /** Resolves once the daemon has stopped, for whatever reason. */
  onStopped(listener: () => void): void {
    this.stopListeners.add(listener);
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async listen(systemdFd: number | undefined): Promise<void> {
    const accept = (socket: Socket): void => this.accept(socket);
    if (systemdFd !== undefined) {
      // The path systemd bound is the one clients use; it wins over the configured one.
      this.paths.socket = (await unixSocketPath(systemdFd)) ?? this.paths.socket;
      this.server = await listenFd(systemdFd, accept);
      for (const key of ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES']) delete process.env[key];
    } else {
      this.server = await listenUnix(this.paths.socket, accept);
      const { ino, dev } = await lstat(this.paths.socket);
      this.socketFile = { ino, dev };
    }
  }

  private serveHeld(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const socket of held) if (!socket.destroyed) this.accept(socket);
  }

  private accept(socket: Socket): void {
    if (this.stopping !== undefined) {
      socket.destroy();
      return;
    }
    if (this.held !== null) {
      this.held.push(socket);
      return;
    }
    const composed = this.composed!;
    const { limits } = composed;
    const over = this.connections.size >= limits.maxConnections;
    // Past the limit, a few more are kept just long enough to say why; the rest are cut at once.
    if (over && this.refusing >= REFUSED_KEPT) {
      socket.destroy();
      return;
    }
    const connectionLimits = { maxFrameBytes: limits.maxFrameBytes, maxBufferedBytes: limits.maxBufferedBytes, headerTimeoutMs: limits.headerTimeoutMs };
    if (over) {
      this.refusing++;
      const refused = new ClientConnection(this.nextConnectionId++, socket, connectionLimits, this.log, () => this.refusing--);
      this.log.warn({ conn: refused.id, connections: this.connections.size }, 'connection over limits.connections refused');
      refused.refuse(errors.limitExceeded('connections', limits.maxConnections, this.connections.size + 1), limits.headerTimeoutMs);
      return;
    }
    const conn = new ClientConnection(this.nextConnectionId++, socket, connectionLimits, this.log, (closed) => this.connections.delete(closed));
    this.connections.add(conn);
    composed.metrics.connectionAccepted();
    composed.dispatcher.attach(conn);
  }

  private async doStop(reason: string): Promise<void> {
    this.log.info({ reason }, 'stopping; sessions keep running');
    for (const socket of this.held ?? []) socket.destroy();
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    // Attachers hear why before their connections end, and no tmux client outlives the daemon.
    await this.composed?.attaches.closeAll();
    await Promise.all([...this.connections].map((conn) => conn.end(DRAIN_MS)));
    await closed;
    await this.tap?.close();
    await this.composed?.dispose();
    await this.config?.dispose();
    await this.removeSocketFile();
    await Promise.all(this.locks.map((l) => l.release()));
    this.log.info('stopped');
    for (const listener of this.stopListeners) listener();
  }

  /** Removes the socket this daemon created, and only that one (not a later daemon's). */
  private async removeSocketFile(): Promise<void> {
    if (this.socketFile === undefined) return;
    const now = await lstat(this.paths.socket).catch(() => undefined);
    if (now !== undefined && now.ino === this.socketFile.ino && now.dev === this.socketFile.dev) {
      // Gone meanwhile is fine: the goal is only that no stale socket is left behind.
      await unlink(this.paths.socket).catch(() => undefined);
    }
  }
}
