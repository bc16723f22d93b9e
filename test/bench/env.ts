import { spawn, type ChildProcess } from 'node:child_process';
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
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SHELL: '/bin/sh' } });
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
    return new BenchDaemon(dir, proc, client, tmuxSocket, socket);
  }

  async close(): Promise<void> {
    this.client.dispose();
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    await exited;
    await killTmux(this.tmuxSocket);
  }
}

/** A raw tmux server with one control-mode client: the baseline sessd is compared with. */
export class RawTmux {
  private constructor(
    readonly socket: string,
    readonly control: ControlClient,
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
    await control.run(['set-option', '-g', 'history-limit', '50000']);
    return new RawTmux(socket, control);
  }

  run(argv: string[]): Promise<string[]> {
    return this.control.run(argv);
  }

  async close(): Promise<void> {
    await this.control.close();
    await killTmux(this.socket);
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
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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
