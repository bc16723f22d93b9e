import { createConnection, type Socket } from 'node:net';

export interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: { code?: string; field?: string } };
}

/** Frames a body the way the protocol does. */
export function frame(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]);
}

/**
 * A connection that writes bytes as given and parses what comes back: the fuzzer's
 * side of the wire, with nothing of vscode-jsonrpc in between.
 */
export class RawConnection {
  readonly replies: Reply[] = [];
  closed = false;
  /** A reply that was not well-framed JSON: a daemon bug, reported by the test. */
  garbled: string | null = null;
  private buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();
  readonly done: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.wake();
    });
    // The daemon may reset a connection it refuses; that is one way of closing it.
    socket.on('error', () => undefined);
    this.done = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static open(path: string): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolves once `count` replies arrived or the connection closed, whichever is first. */
  until(count: number): Promise<void> {
    if (this.replies.length >= count || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.replies.length < count && !this.closed) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const header = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/^Content-Length: (\d+)$/im.exec(header)?.[1]);
      if (!Number.isSafeInteger(length)) {
        this.garbled = header;
        return;
      }
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      try {
        this.replies.push(JSON.parse(body) as Reply);
      } catch {
        this.garbled = body;
      }
    }
  }
}
