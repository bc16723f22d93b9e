import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { socketPathProblem, type SessdPaths } from '../../shared/paths.js';
import { helperPath } from '../helper-programs.js';
import { ListenError } from '../rpc/listener.js';
import { userManagerRunning } from '../systemd/manager.js';
import { scopedServerStarter } from '../systemd/tmux-scope.js';
import { ResourceLimiter } from './resource-limits.js';
import { TmuxBackend } from './tmux/tmux-backend.js';

/** Variables that describe sessd's own process, not what a session should inherit. */
const PRIVATE_ENV = [
  'TMUX', 'TMUX_PANE', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET',
  'SESSD_SOCKET', 'SESSD_TMUX_SOCKET', 'SESSD_STATE_DIR', 'SESSD_CONFIG',
];

/** A helper program built beside the daemon's entry files, or null (with a warning) when it is missing. */
export async function helper(name: string, without: string, log: Logger): Promise<string | null> {
  const path = helperPath(name);
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    log.warn({ path }, `${name} is missing (run npm run build); ${without}`);
    return null;
  }
}

/** Where sessd-pane reports each program's start (`PaneReports`), beside the tmux socket. */
function paneReportSocket(paths: SessdPaths): string {
  return `${paths.tmuxSocket}.pane`;
}

/** The tmux socket, and beside it the one sessd-tap processes stream pane output to. */
export async function tmuxSockets(paths: SessdPaths): Promise<{ tmuxSocket: string; tapSocket: string }> {
  const tapSocket = `${paths.tmuxSocket}.tap`;
  for (const socket of [paths.tmuxSocket, tapSocket, paneReportSocket(paths)]) {
    const tooLong = socketPathProblem(socket);
    if (tooLong !== null) throw new ListenError(tooLong);
  }
  await mkdir(dirname(paths.tmuxSocket), { recursive: true, mode: 0o700 });
  return { tmuxSocket: paths.tmuxSocket, tapSocket };
}

/**
 * The tmux backend, not yet connected, with the resource limiter it applies
 * (systemd scopes when a user manager runs, which also gets the tmux server a scope
 * of its own, outside sessd's cgroup).
 */
export async function createTmuxBackend(
  tmux: string,
  paths: SessdPaths,
  tapSocket: string,
  commandTimeoutMs: number,
  log: Logger,
  /** The user's own tmux config, read by the server before sessd's required settings; null: none. */
  userConfig: string | null = null,
): Promise<{ backend: TmuxBackend; limiter: ResourceLimiter }> {
  const tap = await helper('sessd-tap', 'no output will be captured', log);
  const userManager = await userManagerRunning();
  const paneHelper = await helper('sessd-pane', 'sessions will run without it and cannot be paused', log);
  const limiter = await ResourceLimiter.detect(userManager, paneHelper !== null);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !PRIVATE_ENV.includes(key)));
  const tmuxLog = log.child({ component: 'tmux' });
  const backend = new TmuxBackend({
    tmux,
    socket: paths.tmuxSocket,
    configPath: join(paths.stateDir, 'tmux.conf'),
    userConfig,
    paneHelper,
    paneReports: paneReportSocket(paths),
    tap: tap === null ? null : { program: tap, socket: tapSocket },
    env,
    commandTimeoutMs,
    limiter,
    ...(userManager ? { startServer: scopedServerStarter(tmux, paths.tmuxSocket, env, tmuxLog) } : {}),
    log: tmuxLog,
  });
  return { backend, limiter };
}
