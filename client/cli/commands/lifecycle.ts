import { REF_HELP, SELECTOR, SESSIONS_ARG, STOP_OPTIONS } from '../options.js';
import { defineCommand, type OptionDefs } from '../spec.js';

/**
 * `sess start`, `stop`, `restart`, `pause`, `resume`, `suspend`: session/start and
 * the other lifecycle methods, on named sessions or on a selector. (`sess rm`,
 * session/delete, is declared in rm.ts.)
 */

export function lifecycle<const O extends OptionDefs = Record<never, never>>(name: string, summary: string, description: string, extra?: O) {
  return defineCommand({
    name,
    group: 'Lifecycle',
    summary,
    description: `${description}\n\nName sessions, or pick them with --space, --label, --status or --all. ${REF_HELP}`,
    args: [SESSIONS_ARG],
    options: { ...(extra as O), ...SELECTOR },
    examples: [`sess ${name} api`, `sess ${name} --label team=web`, ...(name === 'stop' ? ['sess stop api && sess start api'] : [])],
  });
}

export const start = lifecycle('start', 'Start sessions that are not running', 'Starts the program again in each session that was created, stopped, exited or crashed.');
export const stop = lifecycle('stop', 'Stop sessions (the screen is kept)', 'Asks each program to end (SIGTERM and SIGHUP), and kills it (SIGKILL) after the timeout.', STOP_OPTIONS);
export const restart = lifecycle('restart', 'Stop and start sessions', 'Stops each running session as `sess stop` does, then starts it again.', STOP_OPTIONS);
export const pause = lifecycle('pause', 'Pause sessions (SIGSTOP)', 'Freezes each program and everything it started until resumed.');
export const resume = lifecycle('resume', 'Resume paused or suspended sessions', 'Lets each paused program go on (SIGCONT), and restores each suspended session from its latest checkpoint.');
export const suspend = lifecycle(
  'suspend',
  'Checkpoint sessions, then stop them',
  'Saves a checkpoint of each session (screen, context, git state), then stops it as `sess stop` does. `sess resume` brings it back from that checkpoint.',
  STOP_OPTIONS,
);
