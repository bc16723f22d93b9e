import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Hang guard for a script of the other user to end once its stdin closed. */
const STOP_TIMEOUT_MS = 5_000;
/** Every script ends when its stdin closes (runuser forks, so a signal to it would not reach node). */
const PROLOGUE = "process.stdin.on('data', () => {}).on('end', () => process.exit(0));\n";

/**
 * A throwaway local user, to try what another user of the machine could do: tests
 * run as root, which can create one (`useradd -M`) and run programs as it
 * (`runuser`). `shared` is a directory both users can use, as /tmp is.
 */
export interface OtherUser {
  name: string;
  uid: number;
  /** World-writable and sticky, like /tmp; outside the run's root, which is closed to others. */
  shared: string;
  /** Runs `node -e script ...args` as the other user; the script's stdout comes line by line. */
  node(script: string, args?: string[]): OtherProcess;
  /** Ends what it started, deletes the user and the shared directory. */
  remove(): Promise<void>;
}

export interface OtherProcess {
  proc: ChildProcess;
  /** Resolves with the next line the script prints. */
  nextLine(): Promise<string>;
  /** Ends it (closes its stdin; SIGKILL after STOP_TIMEOUT_MS) and waits for it. */
  stop(): Promise<void>;
}

/** Null, with the reason printed, when this is not root (then no second user can be made). */
export async function createOtherUser(what: string): Promise<OtherUser | null> {
  if (process.getuid?.() !== 0) {
    console.log(`${what}: skipped, creating a second local user needs root`);
    return null;
  }
  const name = `sessdtest${randomInt(100_000, 1_000_000)}`;
  await run('useradd', ['-M', '-N', '-s', '/bin/sh', name]);
  const uid = Number((await run('id', ['-u', name])).stdout.trim());
  const top = await mkdtemp(join(tmpdir(), 'sessd-u-'));
  await chmod(top, 0o711);
  const shared = join(top, 'shared');
  await run('mkdir', ['-m', '1777', shared]);
  const started: OtherProcess[] = [];
  return {
    name,
    uid,
    shared,
    node(script, args = []) {
      const proc = spawn('runuser', ['-u', name, '--', process.execPath, '-e', PROLOGUE + script, ...args], { cwd: '/', stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: proc.stdout });
      const queue: string[] = [];
      const waiting: ((line: string) => void)[] = [];
      lines.on('line', (line) => {
        const next = waiting.shift();
        if (next !== undefined) next(line);
        else queue.push(line);
      });
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      const handle: OtherProcess = {
        proc,
        nextLine: () =>
          new Promise((resolve, reject) => {
            const line = queue.shift();
            if (line !== undefined) resolve(line);
            else if (proc.exitCode !== null || proc.signalCode !== null) reject(new Error('the other user\'s process has exited'));
            else {
              waiting.push(resolve);
              void exited.then(() => reject(new Error('the other user\'s process exited without a line')));
            }
          }),
        stop: async () => {
          proc.stdin.end();
          const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        },
      };
      started.push(handle);
      return handle;
    },
    async remove() {
      for (const p of started) await p.stop();
      await run('userdel', [name]);
      await rm(top, { recursive: true, force: true });
    },
  };
}
