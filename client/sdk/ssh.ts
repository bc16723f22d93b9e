import type { ChannelCommand, CommandExit } from './command-channel.js';
import { lastLines } from './command-channel.js';
import { HostUnreachableError } from './errors.js';
import { parseDestination } from '../../shared/hosts.js';

export { parseDestination, type Destination } from '../../shared/hosts.js';

/**
 * Reaching a sessd on another machine through OpenSSH (DESIGN.md, "Beyond one
 * machine"): `ssh [OPTIONS] HOST sess proxy`, whose stdin and stdout are then the
 * connection. ssh does all the authenticating (the user's ~/.ssh/config, agent and
 * known_hosts); sessd adds no second system. Nothing here loads beyond Node.
 */

/** Where a remote sessd is and how to run its `sess`. */
export interface SshTarget {
  /** `[USER@]HOST[:PORT]` (`[::1]:22` for an IPv6 address), or a Host of ~/.ssh/config. */
  destination: string;
  /** What messages call it; default: the destination. */
  name?: string;
  /** The ssh program; default `ssh`. */
  ssh?: string;
  /** Options for ssh, before the destination (e.g. `['-F', 'ssh_config']`). */
  sshArgs?: readonly string[];
  /**
   * The command that runs `sess` on the remote machine, as its shell reads it (ssh
   * hands the remote side one command line); default `sess`, found on the remote PATH.
   */
  remoteSess?: string;
  /** The environment ssh runs in; default: this process's. */
  env?: NodeJS.ProcessEnv;
}

/** A word the remote shell reads back as itself. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The ssh command that runs `sess ARGS` on the target: `proxy` for a connection,
 * `attach ID` with `tty` for a terminal. Throws on a destination that is not one.
 */
export function sshCommand(target: SshTarget, sessArgs: readonly string[], options: { tty?: boolean } = {}): ChannelCommand {
  const destination = parseDestination(target.destination);
  if (destination === null) throw new Error(`not a host: ${JSON.stringify(target.destination)} (expected [USER@]HOST[:PORT])`);
  const remote = [target.remoteSess ?? 'sess', ...sessArgs.map(shellQuote)].join(' ');
  const args = [
    ...(target.sshArgs ?? []),
    ...(options.tty === true ? ['-t'] : ['-T']),
    ...(destination.port === undefined ? [] : ['-p', String(destination.port)]),
    '--',
    destination.user === undefined ? destination.host : `${destination.user}@${destination.host}`,
    remote,
  ];
  return { program: target.ssh ?? 'ssh', args, ...(target.env === undefined ? {} : { env: target.env }) };
}

/**
 * Why an ssh command ended before sessd answered. ssh exits 255 for its own failures
 * (and says why); a remote shell exits 127 for a command it cannot find; anything else
 * is `sess proxy` failing there (its message came through ssh's stderr).
 */
export function sshFailure(host: string, exit: CommandExit): HostUnreachableError {
  const said = lastLines(exit.stderr);
  if (exit.spawnError !== undefined) return new HostUnreachableError(host, 'ssh', `cannot run ssh: ${exit.spawnError}`);
  if (exit.code === 255) return new HostUnreachableError(host, 'ssh', said === '' ? 'ssh failed' : said);
  if (exit.code === 127 || /command not found|: not found|No such file or directory/.test(exit.stderr)) {
    return new HostUnreachableError(host, 'no-sess', said === '' ? `exit ${exit.code}` : said);
  }
  // A usage error: a sess from before `sess proxy` existed.
  if (exit.code === 2) return new HostUnreachableError(host, 'proxy', `${said === '' ? 'exit 2' : said} (the sess there has no \`sess proxy\`: upgrade sessd there)`);
  const how = exit.code !== null ? `exit ${exit.code}` : `killed by ${exit.signal}`;
  return new HostUnreachableError(host, 'proxy', said === '' ? `it ended before sessd answered (${how})` : said);
}
