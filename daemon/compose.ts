import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { socketPathProblem, type SessdPaths } from '../shared/paths.js';
import type { Session } from '../shared/protocol/model.js';
import { AgentHooks } from './agents/hooks.js';
import { AgentLauncher } from './agents/launch.js';
import { AttachService } from './attach/service.js';
import { TmuxBackend } from './backend/tmux/tmux-backend.js';
import type { LiveConfig } from './config/live.js';
import { SessionResolver } from './config/resolver.js';
import { TemplateService } from './config/templates.js';
import { ResourceLimiter } from './backend/resource-limits.js';
import { userManagerRunning } from './systemd/manager.js';
import { scopedServerStarter } from './systemd/tmux-scope.js';
import { EventLog } from './events/event-log.js';
import { Subscriptions } from './events/subscriptions.js';
import { HANDLERS } from './handlers/index.js';
import { MetricsCollector } from './metrics/collector.js';
import type { DaemonOptions } from './options.js';
import { Dispatcher } from './rpc/dispatcher.js';
import { ListenError } from './rpc/listener.js';
import type { DaemonInfo, Limits, Services } from './services.js';
import { Interactions } from './activity/interactions.js';
import { Profiles } from './activity/profiles.js';
import { ActivityRecorder } from './activity/recorder.js';
import { ActivityTracker } from './activity/tracker.js';
import { Committer } from './sessions/commit.js';
import { CheckpointService } from './sessions/checkpoints.js';
import { SessionCreator } from './sessions/create.js';
import { SessionIO } from './sessions/io.js';
import { SessionLifecycle } from './sessions/lifecycle.js';
import { KeyedLock } from './sessions/lock.js';
import { MessageQueue } from './sessions/messages.js';
import { Readiness } from './sessions/readiness.js';
import { Reconciler } from './sessions/reconcile.js';
import { SessionRegistry } from './sessions/registry.js';
import { Restorer } from './sessions/restore.js';
import { Supervisor } from './sessions/supervisor.js';
import { StoreBackups } from './store/backup.js';
import { StoreDamaged, storeProblem } from './store/check.js';
import { Store } from './store/store.js';
import { TranscriptService } from './transcripts/service.js';
import { TranscriptStore } from './transcripts/store.js';

/** Default terminal size: wide enough for agents' TUIs. */
const DEFAULT_SIZE = { cols: 120, rows: 40 };
/** Output waiting to be written per session before new output is dropped (with a gap). */
const TRANSCRIPT_PENDING_BYTES = 16 * 1024 * 1024;

/** Variables that describe sessd's own process, not what a session should inherit. */
const PRIVATE_ENV = [
  'TMUX', 'TMUX_PANE', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET',
  'SESSD_SOCKET', 'SESSD_TMUX_SOCKET', 'SESSD_STATE_DIR', 'SESSD_CONFIG',
];

/** A helper program built beside this file, or null (with a warning) when it is missing. */
async function helper(name: string, without: string, log: Logger): Promise<string | null> {
  const path = fileURLToPath(new URL(name, import.meta.url));
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    log.warn({ path }, `${name} is missing (run npm run build); ${without}`);
    return null;
  }
}

export interface Composed {
  services: Services;
  /** Keeps the store's backup fresh once started. */
  backups: StoreBackups;
  dispatcher: Dispatcher;
  /** Where sessd-tap processes stream pane output. */
  tapSocket: string;
  /** Stops everything built here, in reverse order; sessions keep running. */
  dispose(): Promise<void>;
}

/** Builds every part of the daemon. Wiring only: no part is started here. */
export async function compose(
  options: DaemonOptions,
  paths: SessdPaths,
  config: LiveConfig,
  log: Logger,
  daemon: Pick<DaemonInfo, 'connections' | 'shutdown'>,
): Promise<Composed> {
  const configured = config.current.limits;
  const limits: Limits = {
    maxSessions: configured.sessions,
    maxFrameBytes: configured.frameBytes,
    maxMessageBytes: configured.messageBytes,
    maxBufferedBytes: configured.clientBufferBytes,
    maxConnections: configured.connections,
    headerTimeoutMs: configured.headerTimeMs,
    eventRetention: configured.events,
  };
  const tapSocket = `${paths.tmuxSocket}.tap`;
  for (const socket of [paths.tmuxSocket, tapSocket]) {
    const tooLong = socketPathProblem(socket);
    if (tooLong !== null) throw new ListenError(tooLong);
  }
  await mkdir(dirname(paths.tmuxSocket), { recursive: true, mode: 0o700 });

  const store = await Store.open(paths.storeDir);
  const transcriptsDir = join(paths.stateDir, 'transcripts');
  const transcriptsProblem = await storeProblem(transcriptsDir);
  if (transcriptsProblem !== null) {
    await store.close();
    throw new StoreDamaged(transcriptsDir, transcriptsProblem, null, 'the output kept of every session is forgotten; sessions and checkpoints are kept');
  }
  const transcriptStore = await TranscriptStore.open(transcriptsDir);
  const backups = new StoreBackups(store.root, paths.storeDir, configured.backupIntervalMs, log.child({ component: 'backup' }));
  const registry = new SessionRegistry();
  // Records written before a field existed get its empty value.
  registry.load(store.sessions.getRange().map(({ value }) => ({ ...value, nextRestartAt: value.nextRestartAt ?? null })));
  const events = new EventLog(store, limits.eventRetention);
  const transcripts = new TranscriptService(
    transcriptStore,
    { maxBytes: configured.transcriptBytes, maxAgeMs: configured.transcriptAgeMs, pendingBytes: TRANSCRIPT_PENDING_BYTES },
    log.child({ component: 'transcripts' }),
  );
  const tap = await helper('sessd-tap', 'no output will be captured', log);
  const userManager = await userManagerRunning();
  const limiter = await ResourceLimiter.detect(userManager);
  const launcher = await AgentLauncher.prepare(await helper('sessd-hook', 'agents will not report through hooks', log), join(paths.stateDir, 'agents'));
  const tmuxEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !PRIVATE_ENV.includes(key)));
  const backend = new TmuxBackend({
    tmux: options.tmux,
    socket: paths.tmuxSocket,
    configPath: join(paths.stateDir, 'tmux.conf'),
    paneHelper: await helper('sessd-pane', 'sessions will run without it and cannot be paused', log),
    tap: tap === null ? null : { program: tap, socket: tapSocket },
    env: tmuxEnv,
    commandTimeoutMs: configured.tmuxTimeoutMs,
    limiter,
    // With a user manager, the tmux server gets a scope of its own, outside sessd's cgroup.
    ...(userManager ? { startServer: scopedServerStarter(options.tmux, paths.tmuxSocket, tmuxEnv, log.child({ component: 'tmux' })) } : {}),
    log: log.child({ component: 'tmux' }),
  });
  const ctx = {
    registry,
    committer: new Committer(store, registry, events),
    backend,
    transcripts,
    locks: new KeyedLock(),
    log,
    defaults: {
      shell: process.env.SHELL || userInfo().shell || '/bin/sh',
      home: homedir(),
      size: DEFAULT_SIZE,
      // Read at each spawn: under socket activation the path is known only once listening.
      env: () => ({ SESSD_SOCKET: paths.socket }),
      command: (session: Session) => launcher.command(session),
    },
    limits: {
      maxSessions: limits.maxSessions,
      maxMessageBytes: limits.maxMessageBytes,
      maxContextBytes: configured.contextBytes,
      maxLabels: configured.labels,
      maxQueuedMessages: configured.queuedMessages,
    },
  };
  const lifecycle = new SessionLifecycle(ctx);
  const templates = new TemplateService(store, config);
  const resolver = new SessionResolver(config, templates, limiter, ctx.defaults);
  const creator = new SessionCreator(ctx, resolver);
  const profiles = new Profiles();
  const configureProfiles = (agents: Record<string, Record<string, unknown>>): void => {
    const problem = profiles.configure(agents);
    if (problem !== null) log.warn({ file: config.status().file }, `agent profiles from the config file not used: ${problem}`);
  };
  configureProfiles(config.current.agents);
  // What a config edit changes at once; the other limits are read at start-up only.
  const stopFollowing = config.onChange((next) => {
    ctx.limits.maxSessions = limits.maxSessions = next.limits.sessions;
    ctx.limits.maxMessageBytes = limits.maxMessageBytes = next.limits.messageBytes;
    ctx.limits.maxContextBytes = next.limits.contextBytes;
    ctx.limits.maxLabels = next.limits.labels;
    ctx.limits.maxQueuedMessages = next.limits.queuedMessages;
    limits.maxFrameBytes = next.limits.frameBytes;
    limits.maxBufferedBytes = next.limits.clientBufferBytes;
    limits.maxConnections = next.limits.connections;
    limits.headerTimeoutMs = next.limits.headerTimeMs;
    if (next.log.level !== undefined) log.level = next.log.level;
    configureProfiles(next.agents);
  });
  const interactions: Interactions = new Interactions(ctx, store.interactions, (id, answer): Promise<void> => io.answer(id, answer));
  const activity = new ActivityTracker(ctx, profiles, interactions, new ActivityRecorder(ctx), log.child({ component: 'activity' }));
  activity.start(events);
  interactions.setReader((id, ms) => activity.settled(id, ms));
  const agentHooks = new AgentHooks(ctx, activity, process.env.CODEX_HOME ?? join(homedir(), '.codex'), log.child({ component: 'hooks' }));
  interactions.setDetails((id) => agentHooks.detail(id));
  const readiness = new Readiness(activity);
  const io: SessionIO = new SessionIO(ctx, readiness, activity);
  const checkpoints = new CheckpointService(ctx, store.checkpoints, configured.checkpoints, log.child({ component: 'checkpoints' }));
  const queue = new MessageQueue(ctx, io, activity, store.messages, log.child({ component: 'messages' }));
  const restorer = new Restorer(ctx, lifecycle, creator, checkpoints, queue, activity, join(paths.stateDir, 'prefaces'));
  const supervisor = new Supervisor(
    ctx,
    lifecycle,
    restorer,
    { delayMs: configured.restartDelayMs, maxDelayMs: configured.restartMaxDelayMs, limit: configured.restartLimit },
    log.child({ component: 'restarts' }),
  );
  lifecycle.setLeftovers({
    forget: (id) => {
      queue.forget(id);
      supervisor.forget(id);
      agentHooks.forget(id);
    },
  });
  const reconciler = new Reconciler(backend, registry, lifecycle, log);
  const subscriptions = new Subscriptions(events);
  const attaches = new AttachService(backend, { cwd: homedir(), stallMs: configured.attachStallMs }, log.child({ component: 'attach' }));
  const metrics = new MetricsCollector(events);
  const late: { dispatcher?: Dispatcher } = {};
  const services: Services = {
    registry,
    creator,
    lifecycle,
    io,
    checkpoints,
    restorer,
    queue,
    supervisor,
    profiles,
    interactions,
    activity,
    events,
    subscriptions,
    reconciler,
    backend,
    transcripts,
    attaches,
    limits,
    templates,
    config,
    limiter,
    metrics,
    agentHooks,
    daemon: {
      pid: process.pid,
      startedAt: new Date(),
      paths,
      get config() {
        return config.status();
      },
      methods: () => late.dispatcher?.methods ?? [],
      ...daemon,
    },
  };
  const dispatcher = (late.dispatcher = new Dispatcher(HANDLERS, services, log));
  return {
    services,
    backups,
    dispatcher,
    tapSocket,
    dispose: async () => {
      stopFollowing();
      subscriptions.dispose();
      metrics.dispose();
      reconciler.dispose();
      supervisor.dispose();
      queue.dispose();
      activity.dispose();
      readiness.dispose();
      await backups.dispose();
      await backend.dispose();
      await transcripts.flush();
      transcripts.dispose();
      await transcriptStore.close();
      await store.close();
    },
  };
}
