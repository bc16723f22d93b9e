import { spawn } from 'node:child_process';
import type { Session } from '../../../shared/protocol/model.js';
import { clientPaths } from '../../sdk/client.js';
import { checkSocketDir } from '../../sdk/socket-dir.js';
import { sshCommand } from '../../sdk/ssh.js';
import type { Context } from '../context.js';
import { ref } from '../output.js';
import type { Input } from '../spec.js';
import { attachViaDaemon } from './attach-via-daemon.js';
import type { spec } from './attach.js';

/** Signals the terminal sends to the whole foreground group; tmux handles its own, sess waits. */
const PASSED_TO_TMUX: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTSTP'];

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number> {
  // Over ssh, the remote sess resolves the session and reports a missing one itself.
  if (ctx.host !== undefined && !o.viaDaemon) return attachOverSsh(ctx, o.session, o.readOnly);
  const client = await ctx.connect();
  const session = await client.session.get({ session: o.session });
  if (o.viaDaemon) return attachViaDaemon(ctx, session, o.readOnly);
  return attachTo(ctx, session, o.readOnly);
}

/**
 * Runs `tmux attach` on sessd's private server in this terminal, for the full tmux
 * experience with nothing copied through sessd. Returns tmux's exit code.
 */
export async function attachTo(ctx: Context, session: Session, readOnly: boolean): Promise<number> {
  if (ctx.host !== undefined) return attachOverSsh(ctx, session.id, readOnly);
  const client = await ctx.connect();
  const ended = endedMessage(session);
  if (ended !== null) throw new Error(ended);
  const { paths } = await client.daemon.status();
  ctx.close();
  // Derived here by the daemon's rules and checked like its socket, never taken from the reply.
  const tmuxSocket = clientPaths(process.env, ctx.socket).tmuxSocket;
  await checkSocketDir(tmuxSocket);
  if (paths.tmuxSocket !== tmuxSocket) {
    throw new Error(`sessd runs its sessions on the tmux socket ${paths.tmuxSocket}, not on ${tmuxSocket}: if that one is yours, set SESSD_TMUX_SOCKET=${paths.tmuxSocket}`);
  }
  // Attaching from inside another tmux is fine here: it is a different server.
  const env = { ...process.env };
  delete env.TMUX;
  const args = ['-S', tmuxSocket, 'attach-session', ...(readOnly ? ['-r'] : []), '-t', `=${session.runtime.tmuxSession}`];
  const code = await runInTerminal(process.env.SESSD_TMUX ?? 'tmux', args, env);
  // tmux's last line names the session by its id ("[detached (from session s7k2m9qv)]"): said again by name.
  if (code === 0 && process.stdout.isTTY === true) process.stdout.write(`\x1b[1A\x1b[2K[detached from ${ref(session)}; sess attach ${ref(session)} to come back]\n`);
  return code;
}

/**
 * `ssh -t HOST sess attach SESSION`: tmux attaches on the remote machine, in a
 * terminal ssh gives it, with this terminal at the other end. Returns the remote
 * sess's exit code (ssh passes it on; 255 is ssh's own failure, which it printed).
 */
async function attachOverSsh(ctx: Context, session: string, readOnly: boolean): Promise<number> {
  const { resolveHost } = await import('../hosts.js');
  const target = await resolveHost(ctx.host!);
  ctx.close();
  const command = sshCommand(target, ['attach', ...(readOnly ? ['--read-only'] : []), '--', session], { tty: true });
  return runInTerminal(command.program, command.args, process.env);
}

/** Runs a program in this terminal until it exits, leaving the terminal's signals to it. */
async function runInTerminal(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const ignore = (): void => undefined;
  for (const signal of PASSED_TO_TMUX) process.on(signal, ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(program, args, { stdio: 'inherit', env });
      child.once('error', (error) => reject(new Error(`cannot run ${program}: ${error.message}`)));
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal))));
    });
  } finally {
    for (const signal of PASSED_TO_TMUX) process.off(signal, ignore);
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}

/**
 * What to say instead of attaching to a session whose program is not running (tmux
 * would show a dead pane, or nothing): what happened, and how to bring it back. Null
 * when it runs.
 */
export function endedMessage(session: Session): string | null {
  const name = ref(session);
  const how = (verb: string): string => `\`sess ${verb} ${name}\``;
  const output = `its output: ${how('logs')}`;
  switch (session.status) {
    case 'running':
    case 'paused':
      return session.runtime.tmuxSession === null ? `${name} has no screen to attach to` : null;
    case 'created':
      return `${name} is created and has no screen to attach to; start it with ${how('start')}`;
    case 'exited': {
      const why = session.exitSignal !== null ? `was killed by ${session.exitSignal}` : `exited with code ${String(session.exitCode)}`;
      return `${name} is not running: its program ${why}${session.endedAt === null ? '' : ` at ${session.endedAt}`}; ${output}; run it again with ${how('start')}`;
    }
    case 'stopped':
      return `${name} was stopped${session.endedAt === null ? '' : ` at ${session.endedAt}`}; ${output}; run it again with ${how('start')}`;
    case 'crashed':
      return `${name} crashed (its tmux pane or server went away); ${output}; run it again with ${how('start')}, or from its last checkpoint with ${how('restore')}`;
    case 'suspended':
      return `${name} is suspended; bring it back from its checkpoint with ${how('restore')}`;
    default:
      return `${name} is ${String(session.status)} and has no screen to attach to`;
  }
}
