import { spawn } from 'node:child_process';

/** How long an exec action may run before it is killed: a notifier that hangs must not pile up. */
export const EXEC_TIMEOUT_MS = 10_000;
/** The tail of a failed program's stderr kept for the log. */
const STDERR_TAIL = 500;

/**
 * Runs `argv` (no shell) with `input` on its stdin; resolves when it exits 0, rejects
 * with its status and the tail of its stderr otherwise, or when it outlives
 * EXEC_TIMEOUT_MS (then it is killed).
 */
export function runProgram(argv: readonly string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'], env });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv[0]} took over ${EXEC_TIMEOUT_MS} ms and was killed`));
    }, EXEC_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-STDERR_TAIL)));
    // A program that does not read its stdin closes the pipe early: not its failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${argv[0]}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${argv[0]} ${signal === null ? `exited with status ${code}` : `was killed by ${signal}`}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`));
    });
  });
}
