import { createConnection, type Socket } from 'node:net';
import { autostart, autostartLogFile } from '../../sdk/autostart.js';
import { clientPaths } from '../../sdk/client.js';
import { DaemonUnreachableError, UnsafeSocketError } from '../../sdk/errors.js';
import { checkSocketDir } from '../../sdk/socket-dir.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './proxy.js';

/**
 * Splices stdin and stdout to the daemon's socket. Nothing is parsed on the way: the
 * client on the far end does the handshake, so a protocol mismatch is the daemon's
 * answer, as on a local socket. Ends when either side does.
 */
export async function run(_: Input<typeof spec>, ctx: Context): Promise<number> {
  if (ctx.host !== undefined) throw new UsageError('proxy reaches the sessd of the machine it runs on; it takes no --host', 'proxy');
  const paths = clientPaths(process.env, ctx.socket);
  let socket: Socket;
  try {
    socket = await open(paths.socket);
  } catch (error) {
    if (error instanceof UnsafeSocketError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || ctx.noAutostart) throw new DaemonUnreachableError(paths.socket, code);
    try {
      // The connection autostart makes proves sessd answers; the splice takes a fresh one.
      (await autostart(paths.socket, { logFile: autostartLogFile(paths.stateDir), env: process.env })).close();
      socket = await open(paths.socket);
    } catch (failure) {
      if (failure instanceof UnsafeSocketError) throw failure;
      throw new DaemonUnreachableError(paths.socket, `starting it failed: ${(failure as Error).message}`);
    }
  }
  process.stdin.pipe(socket);
  socket.pipe(process.stdout);
  return new Promise<number>((resolve) => {
    socket.once('error', () => undefined); // the close that follows ends the splice
    socket.once('close', () => {
      // The far end may still be open; nothing more can reach sessd, so stop reading it.
      process.stdin.unpipe(socket);
      process.stdin.destroy();
      resolve(0);
    });
  });
}

async function open(path: string): Promise<Socket> {
  await checkSocketDir(path);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
