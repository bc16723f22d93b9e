import { chmod, lstat, mkdir, readFile, readlink, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { socketPathProblem } from '../../shared/paths.js';

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
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = process.getuid?.() ?? 0;
  if (!info.isDirectory()) throw new ListenError(`${dir} is not a directory`);
  if (info.uid !== uid) throw new ListenError(`${dir} is owned by uid ${info.uid}, not by you (uid ${uid}): use another --socket`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new ListenError(`${dir} is open to other users (mode ${mode}): run chmod 700 ${dir}`);
  }
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
