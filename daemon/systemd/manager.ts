import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bound on asking systemd whether a user manager runs: it answers at once or not at all. */
const PROBE_TIMEOUT_MS = 3_000;

/** States in which the user manager accepts transient units. */
const USABLE_STATES = ['running', 'degraded', 'starting', 'initializing', 'maintenance'];

/** Whether this process was started by systemd (a unit), from the variables systemd sets. */
export function startedBySystemd(env: NodeJS.ProcessEnv): boolean {
  return env.INVOCATION_ID !== undefined || env.JOURNAL_STREAM !== undefined;
}

/**
 * Whether a systemd user manager runs for this user and takes transient units
 * (`systemd-run --user`). `systemctl --user is-system-running` prints the state, or
 * `offline` (and fails) when there is no manager. Asked only when the manager's
 * private socket exists.
 */
export async function userManagerRunning(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  // A running user manager always has its private socket in the runtime directory;
  // without it there is nothing to ask, and no process to spawn.
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime === undefined || runtime === '' || !existsSync(join(runtime, 'systemd', 'private'))) return false;
  try {
    const { stdout } = await run('systemctl', ['--user', 'is-system-running'], { timeout: PROBE_TIMEOUT_MS, env });
    return USABLE_STATES.includes(stdout.trim());
  } catch (error) {
    // A degraded manager answers with a non-zero exit; anything else means no manager.
    const stdout = (error as { stdout?: string }).stdout ?? '';
    return USABLE_STATES.includes(stdout.trim());
  }
}

/** `systemd-run` arguments that run a command in a new transient scope of the user manager. */
export function scopeArgs(unit: string, properties: readonly string[] = []): string[] {
  return ['--user', '--scope', '--quiet', '--collect', `--unit=${unit}`, ...properties.flatMap((p) => ['-p', p]), '--'];
}
