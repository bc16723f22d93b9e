import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createMessageConnection, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { NotificationDeclaration } from '../../shared/protocol/define.js';
import type { FrameError } from './framing.js';
import { HardenedMessageReader } from './reader.js';

/** How long a connection closed for a protocol error may take to drain its error reply. */
const CLOSE_GRACE_MS = 1_000;

export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Notifications queued for a client that does not read, before it is disconnected. */
  maxBufferedBytes: number;
}

/** One client: its JSON-RPC connection, its handshake state, and what it owns. */
export class ClientConnection {
  initialized = false;
  clientName: string | null = null;
  readonly rpc: MessageConnection;
  private readonly writer: StreamMessageWriter;
  private readonly cleanups = new Set<() => void>();
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    onClosed: (conn: ClientConnection) => void,
  ) {
    const reader = new HardenedMessageReader(socket, limits.maxFrameBytes, (error, requestId) =>
      this.protocolError(error, requestId),
    );
    this.writer = new StreamMessageWriter(socket);
    this.rpc = createMessageConnection(reader, this.writer, {
      error: (message) => log.debug({ conn: id }, message),
      warn: (message) => log.debug({ conn: id }, message),
      info: () => undefined,
      log: () => undefined,
    });
    // A peer that resets the connection is a normal way for a client to go.
    socket.on('error', (error) => log.debug({ conn: id, err: error.message }, 'connection error'));
    socket.once('close', () => {
      this.closed = true;
      for (const cleanup of this.cleanups) cleanup();
      this.cleanups.clear();
      this.rpc.dispose();
      onClosed(this);
    });
    this.rpc.listen();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Registers something that ends with this connection (a subscription, a follower). */
  own(cleanup: () => void): () => void {
    this.cleanups.add(cleanup);
    return () => this.cleanups.delete(cleanup);
  }

  /** Sends a notification; a client that lets too much pile up unread is disconnected. */
  notify<P>(declaration: NotificationDeclaration<P>, params: P): void {
    if (this.closed) return;
    if (this.socket.writableLength > this.limits.maxBufferedBytes) {
      this.log.warn({ conn: this.id, buffered: this.socket.writableLength }, 'client is not reading; disconnecting it');
      this.close();
      return;
    }
    // A write that fails means the socket is closing; the close handler cleans up.
    this.rpc.sendNotification(declaration.type, params as never).catch(() => undefined);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Ends the connection after queued replies are written; destroys it if that takes over `drainMs`. */
  end(drainMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), drainMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  /** A bad frame: reply where the protocol allows, then close this connection only. */
  private protocolError(error: FrameError, id: string | number | null): void {
    this.log.warn({ conn: this.id, code: error.code, reason: error.message }, 'protocol error; closing the connection');
    const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.socket.once('close', () => clearTimeout(timer));
    this.writer
      .write({ jsonrpc: '2.0', id, error } as never)
      .catch(() => undefined) // the peer may already be gone; closing is all that is left
      .finally(() => this.socket.end());
  }
}
