import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SessdClient } from '../../client/sdk/client.js';
import { ControlClient } from '../../daemon/backend/tmux/control-client.js';

/** The repository root (this file is bundled to dist/bench/main.js). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAEMON = join(REPO, 'dist', 'daemon', 'main.js');
/** Hang guard for anything the bench waits on. */
export const WAIT_LIMIT_MS = 60_000;

/**
 * What to end if the bench itself is ended early (Ctrl-C, a CI timeout's SIGTERM, a
 * thrown error that skips a `finally`): each entry kills by pid or process group and
 * removes files synchronously, since a signal handler cannot wait. An entry is removed
 * once its owner closed normally.
 */
const leftovers = new Set<() => void>();
let handlersInstalled = false;

/** Registers `end` to run if the bench is ended before the returned function is called. */
export function onAbort(end: () => void): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    const endAll = (): void => {
      for (const fn of [...leftovers].reverse()) {
        try {
          fn();
        } catch {
          // Best effort on the way out: one thing already gone must not keep the others alive.
        }
      }
      leftovers.clear();
    };
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      process.on(signal, () => {
        process.stderr.write(`bench: ${signal}, ending its daemons and tmux servers\n`);
        endAll();
        process.exit(code);
      });
    }
    process.on('exit', endAll);
  }
  leftovers.add(end);
  return () => leftovers.delete(end);
}

/** SIGKILL to a pid (or, negative, a process group) that may be gone already. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already: nothing left to end.
  }
}

/** Rejects after WAIT_LIMIT_MS with `what`; otherwise the promise's value. */
export function guard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), WAIT_LIMIT_MS)));
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** A real sessd on private paths, with a client; `close` ends the daemon and its tmux server by pid. */
export class BenchDaemon {
  private constructor(
    readonly dir: string,
    readonly proc: ChildProcess,
    readonly client: SessdClient,
    readonly tmuxSocket: string,
    /** sessd's own socket, for clients started beside `client`. */
    readonly socket: string,
    /** Ends the daemon and its tmux server should the bench be ended early. */
    private readonly forget: () => void,
  ) {}

  static async start(dir: string, config = ''): Promise<BenchDaemon> {
    const socket = join(dir, 's.sock');
    const tmuxSocket = join(dir, 't.sock');
    const args = [DAEMON, '--socket', socket, '--tmux-socket', tmuxSocket, '--state-dir', join(dir, 'state'), '--log-level', 'info'];
    if (config !== '') {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'config.yaml'), config);
      args.push('--config', join(dir, 'config.yaml'));
    }
    // A process group of its own, so an early end kills it and any child it started (attach ptys) at once.
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SHELL: '/bin/sh' }, detached: true });
    let tmuxPid: number | null = null;
    const forget = onAbort(() => {
      killQuietly(-proc.pid!);
      // tmux daemonizes into a session of its own: killed by the pid the daemon reported, or found by its socket.
      if (tmuxPid !== null) killQuietly(tmuxPid);
      else killTmuxSync(tmuxSocket);
    });
    await guard(
      new Promise<void>((resolve, reject) => {
        createInterface({ input: proc.stdout }).on('line', (line) => {
          if (line.includes('"msg":"ready"')) resolve();
        });
        proc.once('exit', (code) => reject(new Error(`sessd exited (${code}) before it was ready`)));
      }),
      'sessd to start',
    );
    const client = await SessdClient.connect({ socket, clientName: 'sessd-bench', autostart: false });
    tmuxPid = (await client.daemon.status()).tmux.serverPid;
    return new BenchDaemon(dir, proc, client, tmuxSocket, socket, forget);
  }

  /** Ends the daemon only (sessions keep running, as in `systemctl restart`); `close` ends the rest. */
  async stopDaemon(): Promise<void> {
    this.client.dispose();
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
  }

  async close(): Promise<void> {
    await this.stopDaemon();
    await killTmux(this.tmuxSocket);
    this.forget();
  }
}

/** A raw tmux server with one control-mode client: the baseline sessd is compared with. */
export class RawTmux {
  private constructor(
    readonly socket: string,
    readonly control: ControlClient,
    private readonly forget: () => void,
  ) {}

  static async start(dir: string): Promise<RawTmux> {
    const socket = join(dir, 'raw.sock');
    const control = await ControlClient.start({
      tmux: 'tmux',
      globalArgs: ['-S', socket, '-f', '/dev/null'],
      attach: ['new-session', '-s', 'bench-raw', '-x', '120', '-y', '40'],
      env: { ...process.env, SHELL: '/bin/sh' },
      commandTimeoutMs: WAIT_LIMIT_MS,
    });
    const [pid] = await control.run(['display-message', '-p', '#{pid}']);
    const forget = onAbort(() => killQuietly(Number(pid)));
    await control.run(['set-option', '-g', 'history-limit', '50000']);
    return new RawTmux(socket, control, forget);
  }

  run(argv: string[]): Promise<string[]> {
    return this.control.run(argv);
  }

  async close(): Promise<void> {
    await this.control.close();
    await killTmux(this.socket);
    this.forget();
  }
}

/** Kills a tmux server and waits for its process to go. */
export async function killTmux(socket: string): Promise<void> {
  const pid = await new Promise<number | null>((resolve) => {
    const child = spawn('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', (code) => resolve(code === 0 ? Number(out.trim()) : null));
  });
  if (pid === null) return;
  process.kill(pid, 'SIGKILL');
  // Not our child, so no exit event: check every EXIT_CHECK_MS until it is gone.
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`tmux server ${pid} did not exit`);
    await new Promise((resolve) => setTimeout(resolve, EXIT_CHECK_MS));
  }
}

/** The synchronous `killTmux`, for a signal handler: asks tmux for the server's pid and kills it. */
function killTmuxSync(socket: string): void {
  const out = spawnSync('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8', timeout: TMUX_QUERY_MS });
  const pid = Number(out.stdout?.trim());
  if (out.status === 0 && pid > 0) killQuietly(pid);
}

/** How long the exit handler waits for tmux to say its pid: long enough for a busy server, short for an exit. */
const TMUX_QUERY_MS = 2_000;

/** How often to look whether a killed process that is not our child is gone. */
const EXIT_CHECK_MS = 10;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function benchDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sessd-bench-'));
  // Registered first, so it runs last: after the daemons and tmux servers in it are ended.
  const forget = onAbort(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}

/** Median of a list of numbers. */
/** The value below which `p` percent of the values lie (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
