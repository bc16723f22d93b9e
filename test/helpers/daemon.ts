import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { isAlive, processesMentioning, processState } from './processes.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const DAEMON_MAIN = join(REPO, 'dist', 'daemon', 'main.js');
/** Hang guard for a daemon's start-up: it normally takes well under a second. */
const START_TIMEOUT_MS = 20_000;
/** Hang guard for a process to exit after it was told to. */
const EXIT_TIMEOUT_MS = 10_000;
/** Interval for checking that a process that is not our child has exited (no event exists for that). */
const EXIT_CHECK_MS = 10;

const run = promisify(execFile);

/** A fresh directory under the run's root; short, so socket paths stay under sun_path. */
export function tempDir(prefix = 'd'): Promise<string> {
  return mkdtemp(join(inject('testRoot'), prefix));
}

export interface DaemonPaths {
  dir: string;
  socket: string;
  tmuxSocket: string;
  stateDir: string;
}

export function pathsIn(dir: string): DaemonPaths {
  return { dir, socket: join(dir, 's.sock'), tmuxSocket: join(dir, 't.sock'), stateDir: join(dir, 'state') };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real sessd process on private paths, watched through its JSON log. */
export class TestDaemon {
  readonly logs: LogLine[] = [];
  stderr = '';
  private readonly waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }>();
  private readonly listeners = new Set<(l: LogLine) => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly proc: ChildProcess,
    readonly paths: DaemonPaths,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    // SESSD_TEST_LOGS=DIR keeps every daemon's output there, for looking into a failure.
    const keep = process.env.SESSD_TEST_LOGS;
    if (keep !== undefined) {
      const file = createWriteStream(join(keep, `${basename(paths.dir)}-${proc.pid}.log`));
      proc.stdout!.pipe(file);
      proc.stderr!.pipe(file);
    }
    createInterface({ input: proc.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return; // not a log line (a stray print); nothing waits on it
      }
      this.logs.push(line);
      for (const listener of this.listeners) listener(line);
      for (const waiter of this.waiters) {
        if (waiter.match(line)) {
          this.waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Starts sessd and resolves once it logs `ready`; rejects with its stderr if it exits first. */
  static async start(paths: DaemonPaths, options: { args?: string[]; env?: NodeJS.ProcessEnv; main?: string } = {}): Promise<TestDaemon> {
    const daemon = TestDaemon.spawn(paths, options);
    await daemon.ready();
    return daemon;
  }

  /** `detached`: in a process group of its own (its pid is the group's id); `main`: another copy of the entry point. */
  static spawn(paths: DaemonPaths, options: { args?: string[]; env?: NodeJS.ProcessEnv; detached?: boolean; main?: string } = {}): TestDaemon {
    const proc = spawn(
      process.execPath,
      [
        options.main ?? DAEMON_MAIN,
        '--socket', paths.socket,
        '--tmux-socket', paths.tmuxSocket,
        '--state-dir', paths.stateDir,
        '--log-level', 'debug',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/bash', ...options.env }, detached: options.detached === true },
    );
    return new TestDaemon(proc, paths);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  async ready(): Promise<void> {
    const outcome = await Promise.race([
      this.waitForLog((l) => l.msg === 'ready').then(() => 'ready' as const),
      this.exited.then(() => 'exited' as const),
      timeout(START_TIMEOUT_MS).then(() => 'timeout' as const),
    ]);
    if (outcome !== 'ready') throw new Error(`sessd did not become ready (${outcome}): ${this.stderr}`);
  }

  /** Calls `listener` with every log line from now on; returns its removal. */
  onLog(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.logs.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    const result = await Promise.race([this.exited, timeout(EXIT_TIMEOUT_MS).then(() => null)]);
    if (result === null) {
      this.proc.kill('SIGKILL');
      throw new Error('sessd did not stop on SIGTERM');
    }
    return result.code;
  }

  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

export function timeout(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Runs tmux against a private socket. */
export async function tmux(socket: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('tmux', ['-S', socket, ...args]);
  return stdout;
}

/**
 * Kills a private tmux server and waits until its process is gone, with the output
 * taps it ran (which otherwise wait a moment for a daemon to hand their last output to).
 */
export async function killTmuxServer(socket: string): Promise<void> {
  await killServer(socket);
  for (const tap of processesMentioning(`${socket}.tap`)) {
    try {
      process.kill(tap.pid, 'SIGTERM');
    } catch {
      continue; // gone already
    }
    await waitForExit(tap.pid);
  }
}

async function killServer(socket: string): Promise<void> {
  let pid: number;
  let clients: number[];
  try {
    pid = Number((await tmux(socket, 'display-message', '-p', '#{pid}')).trim());
    clients = (await tmux(socket, 'list-clients', '-F', '#{client_pid}')).split('\n').filter(Boolean).map(Number);
  } catch {
    return; // no server on that socket
  }
  await tmux(socket, 'kill-server').catch(() => undefined);
  // A client whose reader died cannot finish leaving, and the server waits for it.
  for (const client of clients) {
    try {
      process.kill(client, 'SIGTERM');
    } catch {
      // Gone already.
    }
  }
  await waitForExit(pid);
}

/** State, kernel wait channel and command line, for a failure message. */
function describeProcess(pid: number): string {
  const read = (file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      return '?';
    }
  };
  return `state ${processState(pid) ?? 'gone'}, waiting in ${read('wchan')}, ${read('cmdline')}`;
}

/** Waits for a process that is not our child to exit (checked every EXIT_CHECK_MS). */
export async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not exit: ${describeProcess(pid)}`);
    await timeout(EXIT_CHECK_MS);
  }
}
