import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SessdPaths } from '../shared/paths.js';
import type { Session } from '../shared/protocol/model.js';
import { AgentHooks } from './agents/hooks.js';
import { AgentLauncher } from './agents/launch.js';
import { Interactions } from './activity/interactions.js';
import { Profiles } from './activity/profiles.js';
import { ActivityRecorder } from './activity/recorder.js';
import { ActivityTracker } from './activity/tracker.js';
import { AttachService } from './attach/service.js';
import type { SessionBackend } from './backend/backend.js';
import { createTmuxBackend, helper, tmuxSockets } from './backend/tmux-setup.js';
import { userTmuxConfig } from './backend/tmux/server-config.js';
import type { LiveConfig } from './config/live.js';
import { LiveSettings } from './config/live-settings.js';
import { SessionResolver } from './config/resolver.js';
import { TemplateService } from './config/templates.js';
import type { DaemonInfo, Limits } from './daemon-info.js';
import { EventLog } from './events/event-log.js';
import { Subscriptions } from './events/subscriptions.js';
import { buildHandlers } from './handlers/index.js';
import { WorktreeSessions } from './worktrees/service.js';
import { Worktrees } from './worktrees/worktrees.js';
import { MetricsCollector } from './metrics/collector.js';
import { Notifier } from './notify/notifier.js';
import type { DaemonOptions } from './options.js';
import { PolicyService } from './policies/service.js';
import { Dispatcher } from './rpc/dispatcher.js';
import { CheckpointService } from './sessions/checkpoints.js';
import { Committer } from './sessions/commit.js';
import { SessionCreator } from './sessions/create.js';
import { DeliveryGate } from './sessions/delivery-gate.js';
import { sessionDefaults } from './sessions/helpers.js';
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
import { openStores } from './store/open.js';
import { publishGaps } from './transcripts/gap-events.js';
import { TranscriptService } from './transcripts/service.js';

/** Output waiting to be written per session before new output is dropped (with a gap). */
const TRANSCRIPT_PENDING_BYTES = 16 * 1024 * 1024;

/** The parts the daemon's life (app.ts) starts, serves with and stops. */
export interface Composed {
  /** The RPC boundary's limits, hot-reloaded. */
  limits: Limits;
  registry: SessionRegistry;
  transcripts: TranscriptService;
  backend: SessionBackend;
  reconciler: Reconciler;
  supervisor: Supervisor;
  activity: ActivityTracker;
  queue: MessageQueue;
  attaches: AttachService;
  metrics: MetricsCollector;
  /** Keeps the store's backup fresh once started. */
  backups: StoreBackups;
  dispatcher: Dispatcher;
  /** Where sessd-tap processes stream pane output. */
  tapSocket: string;
  /** Stops everything built here, in reverse order; sessions keep running. */
  dispose(): Promise<void>;
}

/** Builds every part of the daemon in dependency order. Wiring only: no part is started here. */
export async function compose(
  options: DaemonOptions,
  paths: SessdPaths,
  config: LiveConfig,
  log: Logger,
  owner: Pick<DaemonInfo, 'connections' | 'shutdown'>,
): Promise<Composed> {
  const configured = config.current.limits; // the limits read at start-up only
  const { tapSocket } = await tmuxSockets(paths);
  const { store, transcriptStore } = await openStores(paths.storeDir, paths.stateDir);
  const backups = new StoreBackups(store.root, paths.storeDir, configured.backupIntervalMs, log.child({ component: 'backup' }));
  const profiles = new Profiles();
  const settings = new LiveSettings(config, profiles, log);
  const { limits, sessionLimits } = settings;

  const registry = new SessionRegistry();
  registry.load(store.sessions.getRange().map(({ value }) => value));
  const events = new EventLog(store, limits.eventRetention);
  const transcripts = new TranscriptService(
    transcriptStore,
    { maxBytes: configured.transcriptBytes, maxAgeMs: configured.transcriptAgeMs, totalBytes: configured.transcriptTotalBytes, pendingBytes: TRANSCRIPT_PENDING_BYTES },
    log.child({ component: 'transcripts' }),
    store.inputMarks,
  );
  const { backend, limiter } = await createTmuxBackend(options.tmux, paths, tapSocket, configured.tmuxTimeoutMs, log, userTmuxConfig(config.current.tmux.userConfig ?? true));
  const committer = new Committer(store, registry, events);
  const stopPublishingGaps = publishGaps(transcripts, committer, log);
  const locks = new KeyedLock();
  const launcher = await AgentLauncher.prepare(await helper('sessd-hook', 'agents will not report through hooks', log), join(paths.stateDir, 'agents'), log);
  const defaults = { ...sessionDefaults(paths), command: launcher.command.bind(launcher) };

  const lifecycle = new SessionLifecycle({ registry, committer, backend, transcripts, locks, log, defaults });
  const templates = new TemplateService(store, config);
  const resolver = new SessionResolver(config, templates, limiter, defaults);
  const creator = new SessionCreator({ registry, committer, backend, transcripts, locks, defaults, limits: sessionLimits }, resolver);
  const deliveries = new DeliveryGate();
  const recorder = new ActivityRecorder({ registry, committer, locks, deliveries });
  const activity = new ActivityTracker({ registry, backend, transcripts, events }, profiles, recorder, log.child({ component: 'activity' }));
  const readiness = new Readiness(activity);
  const io = new SessionIO({ registry, committer, backend, transcripts, locks, limits: sessionLimits, deliveries }, readiness, activity);
  // A refusal's reason goes to the agent as a message through the queue, built below (called only once sessions run).
  const tell = (session: Session, text: string) => queue.enqueue(session, text, { submit: true });
  const policies = new PolicyService({ registry, committer, config }, store.audit, tell, log.child({ component: 'policies' }));
  const agentHooks = new AgentHooks({ registry, committer, locks }, activity, process.env.CODEX_HOME ?? join(homedir(), '.codex'), log.child({ component: 'hooks' }), policies);
  const interactions = new Interactions({ committer }, store.interactions, io, activity, agentHooks, policies);
  policies.attach(interactions);
  const checkpoints = new CheckpointService(
    { registry, committer, backend, transcripts, locks },
    store.checkpoints,
    configured.checkpoints,
    log.child({ component: 'checkpoints' }),
  );
  const queue = new MessageQueue({ registry, committer, limits: sessionLimits }, io, activity, lifecycle, store.messages, log.child({ component: 'messages' }));
  // Retention keeps what checkpoints refer to.
  transcripts.retain((session) => checkpoints.retained(session));
  const restorer = new Restorer({ registry, backend, defaults }, lifecycle, creator, checkpoints, queue, activity, join(paths.stateDir, 'prefaces'));
  const supervisor = new Supervisor(
    { registry, committer },
    lifecycle,
    restorer,
    { delayMs: configured.restartDelayMs, maxDelayMs: configured.restartMaxDelayMs, limit: configured.restartLimit },
    log.child({ component: 'restarts' }),
  );
  const reconciler = new Reconciler(backend, registry, lifecycle, log);
  const subscriptions = new Subscriptions(events);
  const attaches = new AttachService(backend, { cwd: homedir(), stallMs: configured.attachStallMs }, log.child({ component: 'attach' }));
  const daemon: DaemonInfo = {
    pid: process.pid,
    startedAt: new Date(),
    paths,
    get config() {
      return config.status();
    },
    connections: owner.connections,
    shutdown: owner.shutdown,
  };
  const notifier = new Notifier({ events, registry, config, tmuxSocket: paths.tmuxSocket, log: log.child({ component: 'notify' }) });
  const metrics = new MetricsCollector({ daemon, events, registry, transcripts, subscriptions, notify: notifier });

  const worktrees = new WorktreeSessions({
    log,
    registry,
    resolver,
    templates,
    creator,
    lifecycle,
    checkpoints,
    worktrees: new Worktrees(() => config.current.worktrees.dir ?? join(paths.stateDir, 'worktrees')),
  });

  const handlers = buildHandlers({
    sessions: registry,
    log,
    creator,
    lifecycle,
    restorer,
    io,
    queue,
    messages: store.messages,
    checkpoints,
    interactions,
    transcripts,
    attaches,
    subscriptions,
    backend,
    limiter,
    reconciler,
    templates,
    config,
    daemon,
    limits,
    metrics,
    worktrees,
    agentHooks,
    policies,
    notifier,
  });
  const dispatcher = new Dispatcher(handlers, metrics.requests, log);
  return {
    limits,
    registry,
    transcripts,
    backend,
    reconciler,
    supervisor,
    activity,
    queue,
    attaches,
    metrics,
    backups,
    dispatcher,
    tapSocket,
    dispose: async () => {
      settings.dispose();
      notifier.dispose();
      stopPublishingGaps();
      subscriptions.dispose();
      metrics.dispose();
      reconciler.dispose();
      supervisor.dispose();
      queue.dispose();
      activity.dispose(); // tells the interactions that tracking ended, as before they stop listening
      interactions.dispose();
      await policies.dispose();
      readiness.dispose();
      await backups.dispose();
      await backend.dispose();
      await checkpoints.idle(); // git states read after their checkpoints' replies are written
      await transcripts.flush();
      transcripts.dispose();
      if (!(await transcriptStore.close())) log.warn('the transcript store did not close in time after refused writes; the exit closes it');
      await store.close();
    },
  };
}
