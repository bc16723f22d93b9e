import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { SessdPaths } from '../shared/paths.js';
import { helperPath } from './helper-programs.js';
import { ensurePrivateDir, ListenError } from './rpc/listener.js';

/** The helper that holds the locks (sessd-lock.c), built beside this file. */
const LOCK_HELPER = helperPath('sessd-lock');

/** What one lock keeps a second sessd off, for the message that refuses it. */
export interface LockTarget {
  file: string;
  what: string;
}

/**
 * The locks that keep a second sessd off this daemon's socket, store and tmux server:
 * one lock file beside the socket, one in the state directory, one beside the tmux
 * socket. The socket's and the tmux socket's directories must be ours and 0700; the
 * state directory must be ours and closed to writes by others. So no other user can
 * create, hold or flood a lock file (the locks used to be abstract-namespace sockets,
 * which any local user could bind first or connect to), and the locks hold across
 * network namespaces (a second sessd under `unshare -n` on the same store is refused).
 */
export function lockTargets(paths: SessdPaths, socketFromSystemd: boolean): LockTarget[] {
  return [
    ...(socketFromSystemd ? [] : [{ file: `${paths.socket}.lock`, what: `socket ${paths.socket}` }]),
    { file: join(paths.stateDir, 'sessd.lock'), what: `state dir ${paths.stateDir}` },
    // Not `<tmux socket>.lock`: tmux itself flocks that one while it starts its server.
    { file: `${paths.tmuxSocket}.sessd.lock`, what: `tmux socket ${paths.tmuxSocket}` },
  ];
}

/** Takes every lock of `paths`, or refuses to start (ListenError) saying which one another sessd holds. */
export async function claim(paths: SessdPaths, socketFromSystemd: boolean, log: Logger): Promise<ProcessLock> {
  if (!socketFromSystemd) await ensurePrivateDir(dirname(paths.socket));
  await ensureOwnDir(paths.stateDir);
  await ensurePrivateDir(dirname(paths.tmuxSocket), '--tmux-socket');
  const targets = lockTargets(paths, socketFromSystemd);
  const outcome = await ProcessLock.acquire(targets.map((t) => t.file), log);
  if (outcome instanceof ProcessLock) return outcome;
  const target = targets[outcome.index]!;
  if (outcome.kind === 'busy') {
    throw new ListenError(`another sessd is already running with ${target.what}${outcome.pid > 0 ? ` (pid ${outcome.pid})` : ''}`);
  }
  throw new ListenError(`cannot take the lock ${target.file} of ${target.what}: ${outcome.reason}`);
}

/**
 * The state directory holds the store lock and the store: created 0700 when missing,
 * refused when it is not ours or others may write in it (they could plant the lock).
 * Group and other may read it: the store inside is 0700 (an older sessd's state
 * directory keeps working).
 */
async function ensureOwnDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = process.getuid?.() ?? 0;
  if (!info.isDirectory()) throw new ListenError(`${dir} is not a directory`);
  if (info.uid !== uid) throw new ListenError(`${dir} is owned by uid ${info.uid}, not by you (uid ${uid}): use another --state-dir`);
  if ((info.mode & 0o022) !== 0) {
    throw new ListenError(`${dir} may be written by other users (mode ${(info.mode & 0o777).toString(8)}): run chmod go-w ${dir}`);
  }
}

type Refusal = { kind: 'busy'; index: number; pid: number } | { kind: 'refused' | 'error'; index: number; reason: string };

/**
 * File locks held by a sessd-lock process (Node has no flock): it takes them and
 * holds them until its stdin, a pipe only this process holds, closes, which the
 * kernel does when this process dies, `kill -9` included.
 */
export class ProcessLock {
  private released = false;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    log: Logger,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.released) log.error({ code, signal }, 'sessd-lock ended: this sessd no longer holds its locks, and a second one could start on its paths');
        resolve();
      }),
    );
  }

  /** Resolves with the held locks, or with why the lock on `files[index]` was not taken. */
  static acquire(files: string[], log: Logger): Promise<ProcessLock | Refusal> {
    return new Promise((resolve, reject) => {
      const child = spawn(LOCK_HELPER, files, { stdio: ['pipe', 'pipe', 'ignore'] });
      const lines = createInterface({ input: child.stdout });
      let settled = false;
      const settle = (outcome: ProcessLock | Refusal | Error): void => {
        if (settled) return;
        settled = true;
        lines.close();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      child.once('error', (error) => settle(new ListenError(`cannot run ${LOCK_HELPER} (run npm run build): ${error.message}`)));
      child.once('exit', (code) => settle(new ListenError(`${LOCK_HELPER} exited (code ${code}) without taking the locks`)));
      lines.once('line', (line) => {
        const [word, index, ...rest] = line.split(' ');
        if (word === 'locked') settle(new ProcessLock(child, log));
        else if (word === 'busy') settle({ kind: 'busy', index: Number(index), pid: Number(rest[0]) || 0 });
        else if (word === 'refused' || word === 'error') settle({ kind: word, index: Number(index), reason: rest.join(' ') });
        else settle(new ListenError(`${LOCK_HELPER} said: ${line}`));
      });
    });
  }

  /** Closes the helper's stdin: it exits and the kernel drops the locks. */
  async release(): Promise<void> {
    this.released = true;
    this.child.stdin!.end();
    await this.exited;
  }
}
