import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO, timeout } from './daemon.js';

/** The plugin's runtime directory, as a user puts it on 'runtimepath'. */
export const NVIM_PLUGIN = join(REPO, 'client', 'editors', 'nvim');
export const NVIM_TESTS = join(REPO, 'test', 'nvim');
/**
 * Hang guard for a whole Lua test: each of its waits has its own (TIMEOUT_MS in
 * test/nvim/harness.lua); this one only ends a Neovim that stopped answering.
 */
const NVIM_RUN_TIMEOUT_MS = 50_000;

/** Neovim's version line (`NVIM v0.7.2`), or null when `nvim` is not installed. */
export function nvimVersion(): string | null {
  try {
    return execFileSync('nvim', ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  } catch {
    return null;
  }
}

export interface NvimRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The steps the Lua test reported, in order. */
  steps: string[];
}

/** Answers a step of the Lua test; its result goes back to Lua, a throw fails both sides. */
export type StepHandler = (name: string, data: Record<string, unknown>) => Promise<unknown>;

/**
 * Runs test/nvim/SCRIPT in a real headless Neovim with only the plugin on its
 * runtimepath (`-u NONE`: no user config or other plugins). The Lua side reports its
 * steps over a unix socket in `dir`, and waits for `onStep` to answer each.
 * Resolves when Neovim has exited; rejects with the first error of `onStep`.
 */
export async function runNvim(
  script: string,
  options: { dir: string; env?: NodeJS.ProcessEnv; onStep?: StepHandler },
): Promise<NvimRun> {
  if (nvimVersion() === null) throw new Error('nvim is not installed: `apt-get install neovim` (.ci/run does)');
  const controlPath = join(options.dir, 'nvim-ctl.sock');
  const steps: string[] = [];
  let stepError: unknown;
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    createInterface({ input: socket }).on('line', (line) => {
      const { step, data } = JSON.parse(line) as { step: string; data: Record<string, unknown> };
      steps.push(step);
      (options.onStep ?? (() => Promise.resolve(null)))(step, data).then(
        (result) => socket.write(JSON.stringify({ ok: true, data: result ?? null }) + '\n'),
        (error: unknown) => {
          stepError ??= error;
          socket.write(JSON.stringify({ ok: false, error: String(error) }) + '\n');
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(controlPath, resolve));

  const proc = spawn(
    'nvim',
    ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '--cmd', `set rtp^=${NVIM_PLUGIN}`, '-c', `luafile ${join(NVIM_TESTS, script)}`],
    {
      cwd: options.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...options.env,
        SESSD_NVIM_CONTROL: controlPath,
        SESSD_NVIM_HARNESS: join(NVIM_TESTS, 'harness.lua'),
      },
    },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  try {
    const code = await Promise.race([exited, timeout(NVIM_RUN_TIMEOUT_MS).then(() => 'hung' as const)]);
    if (code === 'hung') throw new Error(`nvim did not finish in ${NVIM_RUN_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    if (stepError !== undefined) throw stepError;
    return { code, stdout, stderr, steps };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A failure message with everything Neovim said. */
export function describeRun(run: NvimRun): string {
  return `nvim exited ${run.code}\nsteps: ${run.steps.join(', ')}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}
