import { chmod, lstat, mkdir, readFile, readlink, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { privateDirProblem, socketPathProblem } from '../../shared/paths.js';

/** How long to wait for an existing socket to answer before calling it stale. */
const PROBE_TIMEOUT_MS = 1_000;

/** Start-up refused for a reason the user can fix; the message says how. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * The socket directory must be ours and closed to others (tmux checks its socket
 * directory the same way): created 0700 when missing, refused when another user owns
 * it or group/other may enter it.
 */
export async function ensurePrivateDir(dir: string, option = '--socket'): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const problem = privateDirProblem(dir, await lstat(dir), process.getuid?.() ?? 0);
  if (problem === null) return;
  if (problem.kind === 'owner') throw new ListenError(`${problem.message}: use another ${option}`);
  if (problem.kind === 'mode') throw new ListenError(`${problem.message}: run chmod 700 ${dir}`);
  throw new ListenError(problem.message);
}

/** Resolves true when something accepts connections on `path`. */
export function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (result: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(true), PROBE_TIMEOUT_MS); // a wedged listener is still a listener
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/*
 * Who may connect. Node has no API for the peer's credentials (SO_PEERCRED or
 * getpeereid), so sessd does not check a connecting process's uid; a native addon for
 * that alone is not worth it, because the file system already decides: connect(2) on
 * a unix socket needs write permission on the socket file and search permission on
 * its directory, the socket is 0600 and its directory ours and 0700
 * (ensurePrivateDir), so no other uid but root gets through. A socket passed by
 * systemd has the same modes (sessd.socket: SocketMode=0600, DirectoryMode=0700).
 * sessd binds nothing in the abstract namespace, which has no permissions at all.
 */

/**
 * Listens on `path`: refuses a path over the sun_path limit, a path held by a live
 * listener (another sessd), or something that is not a socket; removes a stale
 * socket that nothing answers on. The socket is made 0600.
 */
export async function listenUnix(path: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const tooLong = socketPathProblem(path);
  if (tooLong !== null) throw new ListenError(tooLong);
  await ensurePrivateDir(dirname(path));
  const existing = await lstat(path).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isSocket()) throw new ListenError(`${path} exists and is not a socket: remove it or use another --socket`);
    if (await answers(path)) throw new ListenError(`another sessd is already serving ${path}`);
    await unlink(path);
  }
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  return server;
}

/** systemd socket activation: fd 3 when LISTEN_PID is this process and LISTEN_FDS >= 1. */
export function systemdSocketFd(env: NodeJS.ProcessEnv): number | undefined {
  if (env.LISTEN_PID !== String(process.pid)) return undefined;
  const count = Number(env.LISTEN_FDS);
  return Number.isInteger(count) && count >= 1 ? 3 : undefined;
}

/**
 * The path a listening unix socket passed as `fd` is bound to. Node cannot tell
 * (address() is null for an inherited socket), so it comes from /proc/net/unix by the
 * socket's inode; null when that is not available.
 */
export async function unixSocketPath(fd: number): Promise<string | null> {
  try {
    const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/self/fd/${fd}`))?.[1];
    if (inode === undefined) return null;
    for (const line of (await readFile('/proc/net/unix', 'utf8')).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[6] === inode && fields[7] !== undefined) return fields.slice(7).join(' ');
    }
  } catch {
    // No /proc: the configured path stands.
  }
  return null;
}

export async function listenFd(fd: number, onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
