import { chmod, mkdir } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonUnreachableError, SessdClient, UnsafeSocketError } from '../../client/sdk/index.js';
import { pathsIn, tempDir, type DaemonPaths } from '../helpers/daemon.js';
import { createOtherUser, type OtherUser } from '../helpers/other-user.js';
import { sess } from '../helpers/sess.js';

/** sess's exit code for "no sessd to talk to". */
const EXIT_UNREACHABLE = 3;

/** A listener that counts connections and hangs up on each as `onConnection` says. */
class Listener {
  connections = 0;
  private readonly server: Server;
  private readonly waiting: (() => void)[] = [];

  private constructor(server: Server) {
    this.server = server;
  }

  static async on(path: string, onConnection: (socket: Socket) => void = () => undefined): Promise<Listener> {
    const server = createServer();
    const listener = new Listener(server);
    server.on('connection', (socket) => {
      listener.connections++;
      socket.on('error', () => undefined); // a client that left: nothing to do
      onConnection(socket);
      listener.waiting.shift()?.();
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return listener;
  }

  /**
   * How many connections came before this call: a connection of its own goes in
   * behind any earlier one (the kernel accepts in order), so once it is counted, every
   * earlier one is too.
   */
  async countBefore(path: string): Promise<number> {
    const seen = new Promise<void>((resolve) => this.waiting.push(resolve));
    const probe = createConnection(path);
    probe.on('error', () => undefined); // the listener may hang up on it; only its arrival counts
    await seen;
    probe.destroy();
    return this.connections - 1;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Every Content-Length frame that comes on `socket`, parsed, to `onMessage`. */
function readFrames(socket: Socket, onMessage: (message: { id?: number; method?: string }) => void): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
      if (buffer.length < end + 4 + length) return;
      onMessage(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as { id?: number; method?: string });
      buffer = buffer.subarray(end + 4 + length);
    }
  });
}

/** A daemon that lies: it names `tmuxSocket` as the tmux server's socket. */
function lyingDaemon(tmuxSocket: string): (socket: Socket) => void {
  const session = { id: 'sfake001', name: 'x', space: 'default', status: 'running', runtime: { backend: 'tmux', tmuxSession: 'sfake001' } };
  const results: Record<string, unknown> = {
    initialize: { protocolVersion: 1, serverInfo: { name: 'sessd', version: '0.1.0' }, capabilities: {} },
    'session/get': session,
    'daemon/status': { pid: 1, version: '0.1.0', paths: { tmuxSocket } },
  };
  return (socket) =>
    readFrames(socket, (message) => {
      if (message.id === undefined) return;
      const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result: results[message.method ?? ''] ?? {} });
      socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
}

describe('a socket directory that is not ours alone', () => {
  let other: OtherUser | null = null;
  beforeAll(async () => {
    other = await createOtherUser('another user\'s fake sessd');
  });
  afterAll(async () => {
    await other?.remove();
  });

  it('is refused (exit 3) when another user owns it, before anything is sent: the environment never leaves', async () => {
    if (other === null) return;
    // What another user can do when XDG_RUNTIME_DIR is unset: make /tmp/sessd-$UID first, with a fake sessd in it.
    const dir = join(other.shared, `sessd-${process.getuid!()}`);
    const socket = join(dir, 'sessd.sock');
    const fake = other.node(
      `require('fs').mkdirSync(process.argv[1], { mode: 0o755 });
       let n = 0;
       require('net').createServer((s) => { console.log('connection ' + ++n); s.on('data', (d) => console.log('received ' + JSON.stringify(String(d)))); })
         .listen(process.argv[2], () => console.log('listening'));`,
      [dir, socket],
    );
    expect(await fake.nextLine()).toBe('listening');
    const paths: DaemonPaths = { ...pathsIn(await tempDir()), socket };
    const result = await sess(paths, ['new', '-e', 'OPENAI_API_KEY=sk-not-for-them', '--', 'true']);
    expect(result.code).toBe(EXIT_UNREACHABLE);
    expect(result.stderr).toContain(`not connecting to ${socket}: ${dir} is owned by uid ${other.uid}, not by you (uid 0)`);
    expect(result.stderr).toContain('unsafe permissions');
    // A connection of the test's own is the fake's first: sess never connected.
    const probe = createConnection(socket);
    probe.on('error', () => undefined);
    expect(await fake.nextLine()).toBe('connection 1');
    probe.destroy();
    await expect(SessdClient.connect({ socket })).rejects.toBeInstanceOf(UnsafeSocketError);
  });

  it('is refused (exit 3) when group or other may enter it, and no sessd is started there', async () => {
    const base = await tempDir();
    const open = join(base, 'open');
    await mkdir(open);
    await chmod(open, 0o755);
    const paths: DaemonPaths = { ...pathsIn(base), socket: join(open, 'sessd.sock') };
    // Nothing listens: sess would start a sessd there, but refuses the directory first.
    const started = await sess(paths, ['ls']);
    expect(started.code).toBe(EXIT_UNREACHABLE);
    expect(started.stderr).toContain(`${open} is open to other users (mode 755)`);
    expect(started.stderr).toContain(`run chmod 700 ${open}`);
    expect(started.stderr).not.toContain('starting it');

    const listener = await Listener.on(paths.socket);
    expect((await sess(paths, ['send', 'x', 'secret text'])).code).toBe(EXIT_UNREACHABLE);
    expect(await listener.countBefore(paths.socket)).toBe(0);
    const error = await SessdClient.connect({ socket: paths.socket }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeSocketError);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    await listener.close();
  });
});

describe('sess attach', () => {
  it('derives the tmux socket itself, and refuses one the daemon names elsewhere without connecting to it', async () => {
    const dir = await tempDir();
    const evil = join(await tempDir(), 'evil.sock');
    const tmuxListener = await Listener.on(evil, (s) => s.destroy());
    const daemon = await Listener.on(join(dir, 's.sock'), lyingDaemon(evil));
    const paths = pathsIn(dir);
    const result = await sess(paths, ['attach', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`sessd runs its sessions on the tmux socket ${evil}, not on ${paths.tmuxSocket}`);
    expect(await tmuxListener.countBefore(evil)).toBe(0);
    await Promise.all([daemon.close(), tmuxListener.close()]);
  });

  it('checks the directory of the tmux socket it derived (exit 3 when others may enter it)', async () => {
    const dir = await tempDir();
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o755);
    const tmuxSocket = join(open, 't.sock');
    const daemon = await Listener.on(join(dir, 's.sock'), lyingDaemon(tmuxSocket));
    const result = await sess({ ...pathsIn(dir), tmuxSocket }, ['attach', 'x']);
    expect(result.code).toBe(EXIT_UNREACHABLE);
    expect(result.stderr).toContain(`${open} is open to other users (mode 755)`);
    await daemon.close();
  });
});

describe('a daemon that hangs up during the handshake', () => {
  it.each([
    ['at once', (s: Socket) => s.destroy()],
    ['after reading the request', (s: Socket) => s.once('data', () => s.destroy())],
  ])('%s: sess exits 3 (unreachable), not 1, and starts no second sessd', async (_what, hangUp) => {
    const paths = pathsIn(await tempDir());
    const listener = await Listener.on(paths.socket, hangUp);
    for (const args of [['--no-autostart', 'ls'], ['ls']]) {
      const result = await sess(paths, args);
      expect(result.code).toBe(EXIT_UNREACHABLE);
      expect(result.stderr).toContain(`sessd did not accept the connection on ${paths.socket}`);
    }
    const error = await SessdClient.connect({ socket: paths.socket }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as DaemonUnreachableError).stage).toBe('handshake');
    await listener.close();
  });
});
