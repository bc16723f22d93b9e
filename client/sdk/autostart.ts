import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSocketDir } from './socket-dir.js';
import { RpcTransport } from './transport.js';

/** How long an autostarted sessd may take to answer before the client gives up. */
const AUTOSTART_TIMEOUT_MS = 15_000;
/** Connection attempts per event for the instant between a socket file's creation and its listen(). */
const CONNECT_TRIES_PER_EVENT = 20;

export interface AutostartOptions {
  /** The sessd entry point: a .js file run with this Node, or a program. Default: the sessd of this install. */
  program?: string;
  /** Where the daemon's output goes. */
  logFile: string;
  /** Extra arguments for sessd (the socket is always passed). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Called when sessd is being started, e.g. to tell a person. */
  onStart?: () => void;
}

/** The sessd that ships beside this SDK (dist/daemon/main.js in this package). */
export function defaultDaemonProgram(): string {
  return fileURLToPath(new URL('../../daemon/main.js', import.meta.url));
}

/**
 * Starts sessd detached (it outlives this process) and resolves with a connection
 * once its socket answers. Waits on file-system events for the socket to appear, never
 * on a fixed sleep. Losing a race to another client's autostart is fine: the winner's
 * socket answers just the same.
 */
export async function autostart(socket: string, options: AutostartOptions): Promise<RpcTransport> {
  options.onStart?.();
  const dir = dirname(socket);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A directory that was there already (another user's, say) is refused before sessd starts.
  await checkSocketDir(socket);
  await mkdir(dirname(options.logFile), { recursive: true, mode: 0o700 });
  const log = await open(options.logFile, 'a', 0o600);
  const program = options.program ?? defaultDaemonProgram();
  const [command, args] = program.endsWith('.js')
    ? [process.execPath, [program, '--socket', socket, ...(options.args ?? [])]]
    : [program, ['--socket', socket, ...(options.args ?? [])]];
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log.fd, log.fd], env: options.env ?? process.env });
  child.unref();
  await log.close();

  return new Promise<RpcTransport>((resolve, reject) => {
    let settled = false;
    let trying = false;
    let again = false;
    const watcher = watch(dir, (_event, file) => {
      if (file === null || file === basename(socket)) void attempt();
    });
    const timer = setTimeout(() => fail(`sessd did not answer within ${AUTOSTART_TIMEOUT_MS} ms; see ${options.logFile}`), AUTOSTART_TIMEOUT_MS);
    const done = (): void => {
      settled = true;
      watcher.close();
      clearTimeout(timer);
    };
    const fail = (why: string): void => {
      if (settled) return;
      done();
      reject(new Error(why));
    };
    child.once('error', (error) => fail(`cannot run ${command}: ${error.message}`));
    child.once('exit', (code) => {
      if (code === 0 || settled) return;
      // Another client's sessd may have won the race; its socket still answers.
      void readFile(options.logFile, 'utf8').then((text) => {
        if (!/another sessd is already/.test(text.slice(-2_000))) fail(`sessd exited (code ${code}); see ${options.logFile}`);
        else void attempt();
      });
    });
    const attempt = async (): Promise<void> => {
      if (trying) {
        again = true;
        return;
      }
      trying = true;
      do {
        again = false;
        for (let i = 0; i < CONNECT_TRIES_PER_EVENT && !settled; i++) {
          try {
            const transport = await RpcTransport.connect(socket);
            if (settled) {
              transport.close();
              return;
            }
            done();
            resolve(transport);
            return;
          } catch {
            // Not there yet, or bound but not yet listening: try on the next turn.
            await new Promise((r) => setImmediate(r));
          }
        }
      } while (again && !settled);
      trying = false;
    };
    void attempt();
  });
}

/** Where an autostarted sessd logs: beside its store. */
export function autostartLogFile(stateDir: string): string {
  return join(stateDir, 'sessd.log');
}
