import { constants } from 'node:fs';
import { access, mkdir, unlink } from 'node:fs/promises';
import type { Server, Socket } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { resolvePaths, socketPathProblem, type SessdPaths } from '../shared/paths.js';
import type { SessionBackend } from './backend/backend.js';
import { TmuxBackend } from './backend/tmux/tmux-backend.js';
import { loadConfig } from './config/config.js';
import { EventLog } from './events/event-log.js';
import { Subscriptions } from './events/subscriptions.js';
import { HANDLERS } from './handlers/index.js';
import { ProcessLock } from './lock.js';
import type { DaemonOptions } from './options.js';
import { ClientConnection } from './rpc/connection.js';
import { Dispatcher } from './rpc/dispatcher.js';
import { ListenError, listenFd, listenUnix, systemdSocketFd, unixSocketPath } from './rpc/listener.js';
import type { Limits, Services } from './services.js';
import { Committer } from './sessions/commit.js';
import { SessionCreator } from './sessions/create.js';
import { SessionIO } from './sessions/io.js';
import { SessionLifecycle } from './sessions/lifecycle.js';
import { KeyedLock } from './sessions/lock.js';
import { Reconciler } from './sessions/reconcile.js';
import { SessionRegistry } from './sessions/registry.js';
import { Store } from './store/store.js';

/** Default terminal size: wide enough for agents' TUIs. */
const DEFAULT_SIZE = { cols: 120, rows: 40 };
/** How long connections get to drain their last replies when the daemon stops. */
const DRAIN_MS = 1_000;

/** Variables that describe sessd's own process, not what a session should inherit. */
const PRIVATE_ENV = [
  'TMUX', 'TMUX_PANE', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET',
  'SESSD_SOCKET', 'SESSD_TMUX_SOCKET', 'SESSD_STATE_DIR', 'SESSD_CONFIG',
];

/** sessd-pane, built beside this file; without it programs run directly and cannot be paused. */
async function findPaneHelper(log: Logger): Promise<string | null> {
  const path = fileURLToPath(new URL('sessd-pane', import.meta.url));
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    log.warn({ path }, 'sessd-pane is missing (run npm run build); sessions will run without it and cannot be paused');
    return null;
  }
}

/**
 * The composition root: builds every part, starts them in order, and stops them in
 * reverse. Holds no request logic.
 */
export class Daemon {
  private readonly connections = new Set<ClientConnection>();
  private nextConnectionId = 1;
  private server: Server | undefined;
  private ownsSocketFile = false;
  /** Connections accepted while starting; served once ready. */
  private held: Socket[] | null = [];
  private stopping: Promise<void> | undefined;
  private readonly stopListeners = new Set<() => void>();

  private constructor(
    private readonly log: Logger,
    readonly paths: SessdPaths,
    private readonly locks: ProcessLock[],
    private readonly store: Store,
    private readonly backend: SessionBackend,
    private readonly services: Services,
    private readonly dispatcher: Dispatcher,
  ) {}

  static async start(options: DaemonOptions, log: Logger): Promise<Daemon> {
    const paths = resolvePaths(options, { env: process.env, uid: process.getuid?.() ?? 0, home: homedir() });
    const config = await loadConfig(paths.configCandidates, paths.configExplicit);
    if (config.error !== null) {
      if (paths.configExplicit && config.error.startsWith('cannot read')) throw new ListenError(config.error);
      log.error({ config: config.file, err: config.error }, 'config not loaded; using defaults');
    }
    const systemdFd = systemdSocketFd(process.env);
    const locks: ProcessLock[] = [];
    const lock = async (kind: string, path: string, what: string): Promise<void> => {
      const held = await ProcessLock.acquire(kind, path);
      if (held === null) {
        await Promise.all(locks.map((l) => l.release()));
        throw new ListenError(`another sessd is already running with ${what} ${path}`);
      }
      locks.push(held);
    };
    if (systemdFd === undefined) await lock('socket', paths.socket, 'socket');
    await lock('store', paths.stateDir, 'state dir');
    await lock('tmux', paths.tmuxSocket, 'tmux socket');

    const limits: Limits = {
      maxSessions: config.config.limits.sessions,
      maxFrameBytes: config.config.limits.frameBytes,
      maxMessageBytes: config.config.limits.messageBytes,
      maxBufferedBytes: config.config.limits.clientBufferBytes,
      eventRetention: config.config.limits.events,
    };
    const store = await Store.open(paths.storeDir);
    const registry = new SessionRegistry();
    registry.load(store.sessions.getRange().map(({ value }) => value));
    const events = new EventLog(store, limits.eventRetention);
    const tmuxTooLong = socketPathProblem(paths.tmuxSocket);
    if (tmuxTooLong !== null) throw new ListenError(`tmux ${tmuxTooLong}`);
    await mkdir(dirname(paths.tmuxSocket), { recursive: true, mode: 0o700 });
    const backend = new TmuxBackend({
      tmux: options.tmux,
      socket: paths.tmuxSocket,
      configPath: join(paths.stateDir, 'tmux.conf'),
      paneHelper: await findPaneHelper(log),
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !PRIVATE_ENV.includes(key))),
      commandTimeoutMs: config.config.limits.tmuxTimeoutMs,
      log: log.child({ component: 'tmux' }),
    });
    const ctx = {
      registry,
      committer: new Committer(store, registry, events),
      backend,
      locks: new KeyedLock(),
      log,
      defaults: {
        shell: process.env.SHELL || userInfo().shell || '/bin/sh',
        home: homedir(),
        size: DEFAULT_SIZE,
        // Read at each spawn: under socket activation the path is known only once listening.
        env: () => ({ SESSD_SOCKET: paths.socket }),
      },
      limits: { maxSessions: limits.maxSessions, maxMessageBytes: limits.maxMessageBytes },
    };
    const lifecycle = new SessionLifecycle(ctx);
    const reconciler = new Reconciler(backend, registry, lifecycle, log);
    // The daemon is built last, but the services' callbacks need it: they read it late.
    const late: { daemon?: Daemon } = {};
    const services: Services = {
      registry,
      creator: new SessionCreator(ctx),
      lifecycle,
      io: new SessionIO(ctx),
      events,
      subscriptions: new Subscriptions(events),
      reconciler,
      backend,
      limits,
      daemon: {
        pid: process.pid,
        startedAt: new Date(),
        paths,
        config: { file: config.file, loaded: config.error === null && config.file !== null, error: config.error },
        connections: () => late.daemon?.connections.size ?? 0,
        methods: () => dispatcher.methods,
        shutdown: () => setImmediate(() => void late.daemon?.stop('shutdown requested')),
      },
    };
    const dispatcher = new Dispatcher(HANDLERS, services, log);
    const daemon = new Daemon(log, paths, locks, store, backend, services, dispatcher);
    late.daemon = daemon;
    try {
      // Bound first, so that a refused socket starts nothing; clients that connect
      // meanwhile wait for the reconciliation instead of finding no daemon.
      await daemon.listen(systemdFd);
      await backend.start();
      if (backend.status().available) await reconciler.reconcile();
    } catch (error) {
      await daemon.stop('start-up failed');
      throw error;
    }
    daemon.serveHeld();
    log.info({ socket: paths.socket, tmuxSocket: paths.tmuxSocket, stateDir: paths.stateDir, sessions: registry.size }, 'ready');
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
      this.ownsSocketFile = true;
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
    const conn = new ClientConnection(
      this.nextConnectionId++,
      socket,
      { maxFrameBytes: this.services.limits.maxFrameBytes, maxBufferedBytes: this.services.limits.maxBufferedBytes },
      this.log,
      (closed) => this.connections.delete(closed),
    );
    this.connections.add(conn);
    this.dispatcher.attach(conn);
  }

  private async doStop(reason: string): Promise<void> {
    this.log.info({ reason }, 'stopping; sessions keep running');
    for (const socket of this.held ?? []) socket.destroy();
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await Promise.all([...this.connections].map((conn) => conn.end(DRAIN_MS)));
    await closed;
    this.services.subscriptions.dispose();
    this.services.reconciler.dispose();
    await this.backend.dispose();
    await this.store.close();
    if (this.ownsSocketFile) {
      // Already gone is fine: the goal is only that no stale socket is left behind.
      await unlink(this.paths.socket).catch(() => undefined);
    }
    await Promise.all(this.locks.map((l) => l.release()));
    this.log.info('stopped');
    for (const listener of this.stopListeners) listener();
  }
}
