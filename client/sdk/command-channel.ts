import { spawn } from 'node:child_process';
import type { Channel } from './transport.js';

/** How much of a command's stderr is kept for its error message: ssh's own fits many times over; a chatty remote stays bounded. */
const STDERR_KEEP_CHARS = 8 * 1024;
/** How long a command may take to exit after its stdin closed before it is killed: ssh hangs up in a round trip. */
const CLOSE_GRACE_MS = 2_000;

/** A program whose stdin and stdout speak the protocol to a sessd, e.g. `ssh HOST sess proxy`. */
export interface ChannelCommand {
  program: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface CommandExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it wrote to stderr. */
  stderr: string;
  /** Set when the program could not be run at all (ENOENT, EACCES). */
  spawnError?: string;
}

export interface CommandChannel extends Channel {
  /** Settles once the command has exited and its pipes are closed. */
  readonly exit: Promise<CommandExit>;
}

/** Runs `command` and speaks over its pipes; its stderr is kept for the error a failure becomes. */
export function spawnChannel(command: ChannelCommand): CommandChannel {
  const child = spawn(command.program, command.args, { stdio: ['pipe', 'pipe', 'pipe'], env: command.env ?? process.env });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  let killer: NodeJS.Timeout | undefined;
  const exit = new Promise<CommandExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, stderr, spawnError: error.message }));
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  }).finally(() => clearTimeout(killer));
  return {
    input: child.stdout,
    output: child.stdin,
    exit,
    ended: exit.then(describeExit(command.program)),
    close: () => {
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null && killer === undefined) killer = setTimeout(() => child.kill('SIGTERM'), CLOSE_GRACE_MS);
    },
  };
}

function describeExit(program: string): (exit: CommandExit) => string {
  return (exit) => {
    if (exit.spawnError !== undefined) return `cannot run ${program}: ${exit.spawnError}`;
    const how = exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
    const said = lastLines(exit.stderr);
    return said === '' ? `${program} ${how}` : `${program} ${how}: ${said}`;
  };
}

/** The last few non-empty lines of a command's stderr, joined: what it said last is why it failed. */
export function lastLines(text: string, count = 3): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .join('; ');
}
