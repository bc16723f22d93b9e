import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO, type DaemonPaths } from './daemon.js';

/** The built `sess`, as package.json's bin runs it. */
export const SESS = join(REPO, 'dist', 'client', 'bin', 'main.js');

export interface SessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment that points `sess` (and a sessd it starts) at one test's paths. */
export function sessEnv(paths: DaemonPaths, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SESSD_SOCKET: paths.socket,
    SESSD_TMUX_SOCKET: paths.tmuxSocket,
    SESSD_STATE_DIR: paths.stateDir,
    SHELL: '/bin/bash',
    NO_COLOR: '1',
    // This machine's sessd, whatever host the person running the tests has set.
    SESS_HOST: '',
    ...extra,
  };
}

/** Runs `sess ARGS` to completion. */
export function sess(paths: DaemonPaths, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SESS, ...args], { env: sessEnv(paths, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `sess ARGS --json` and parses its output. */
export async function sessJson<T>(paths: DaemonPaths, args: string[], options: { input?: string } = {}): Promise<T> {
  const result = await sess(paths, ['--json', ...args], options);
  if (result.code !== 0) throw new Error(`sess ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
