import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { CONTROL_SESSION } from '../backend/tmux/server-config.js';
import { scopeArgs } from './manager.js';

const run = promisify(execFile);

/** Bound on starting the tmux server: it forks and detaches within milliseconds. */
const START_TIMEOUT_MS = 10_000;

/** The scope unit of the tmux server on `socket`: one name per socket, so two sessd's never collide. */
export function tmuxScopeUnit(socket: string): string {
  return `sessd-tmux-${createHash('sha256').update(socket).digest('hex').slice(0, 12)}.scope`;
}

/**
 * Starts sessd's tmux server in its own transient systemd scope when none runs, so
 * the server and every session in it live outside sessd.service's cgroup: stopping
 * or restarting the service (whatever its KillMode) never reaches them. The tmux
 * client run here forks the server into the scope and exits; the scope lives as long
 * as the server does. Without this, the server would be forked by sessd's control
 * client and sit in sessd's own cgroup.
 */
export function scopedServerStarter(tmux: string, socket: string, env: NodeJS.ProcessEnv, log: Logger): (globalArgs: string[]) => Promise<void> {
  return async (globalArgs) => {
    const running = await run(tmux, [...globalArgs, 'list-sessions', '-F', '#{session_name}'], { env, timeout: START_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (running) return;
    const unit = tmuxScopeUnit(socket);
    // The control session holds an idle program so that the server has a session to keep.
    const argv = [...scopeArgs(unit), tmux, ...globalArgs, 'new-session', '-d', '-s', CONTROL_SESSION, '-x', '80', '-y', '24', '--', 'sleep', 'infinity'];
    try {
      await run('systemd-run', argv, { env, timeout: START_TIMEOUT_MS });
      log.info({ unit, socket }, 'tmux server started in its own systemd scope');
    } catch (error) {
      // The control client starts the server instead; it then lives in sessd's cgroup.
      log.error({ err: (error as Error).message, unit }, 'could not start tmux in a systemd scope; stopping sessd.service may now end the sessions');
    }
  };
}
