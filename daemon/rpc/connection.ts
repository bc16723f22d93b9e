import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { createMessageConnection, type MessageConnection, type ResponseError } from 'vscode-jsonrpc/node';
import type { NotificationDeclaration, ParamsOf } from '../../shared/protocol/define.js';
import type { FrameError } from './framing.js';
import { HardenedMessageReader, PROTOCOL_ERROR_METHOD, type ProtocolErrorParams } from './reader.js';
import { FrameWriter } from './writer.js';

/** How long requests already read may take to answer before a protocol error closes the connection. */
const DRAIN_BEFORE_ERROR_MS = 5_000;
/** How long the error reply may take to be written before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

export interface ConnectionLimits {
  maxFrameBytes: number;
  /** Replies and notifications queued for a client that does not read, before it is disconnected. */
  maxBufferedBytes: number;
  /** How long a frame's header may take to arrive once its first byte has. */
  headerTimeoutMs: number;
}

/** One client: its JSON-RPC connection, its handshake state, and what it owns. */
export class ClientConnection {
  initialized = false;
  clientName: string | null = null;
  readonly rpc: MessageConnection;
  private readonly writer: FrameWriter;
  private readonly cleanups = new Set<() => void>();
  private closed = false;
  private inflight = 0;
  private readonly idleWaiters = new Set<() => void>();
  private readonly readWaiters = new Set<() => void>();

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    onClosed: (conn: ClientConnection) => void,
  ) {
    const reader = new HardenedMessageReader(socket, limits.maxFrameBytes, limits.headerTimeoutMs);
    this.writer = new FrameWriter(
      socket,
      (unread) => this.checkUnread(unread),
      () => this.wakeReaders(),
    );
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
      this.wakeReaders();
      for (const cleanup of this.cleanups) cleanup();
      this.cleanups.clear();
      this.rpc.dispose();
      onClosed(this);
    });
    this.rpc.onNotification(PROTOCOL_ERROR_METHOD, (params: ProtocolErrorParams) => this.protocolError(params.error, params.id));
    this.rpc.listen();
  }

  /**
   * Answers every request with `error` and ends the connection after the first reply,
   * or after `graceMs` if no request comes: for a connection over the limit, which
   * gets a typed error where a client can show it instead of a bare hang-up.
   */
  refuse(error: ResponseError<unknown>, graceMs: number): void {
    const timer = setTimeout(() => this.close(), graceMs);
    this.own(() => clearTimeout(timer));
    this.rpc.onRequest(() => {
      setImmediate(() => void this.end(CLOSE_GRACE_MS));
      throw error;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Counts a request until its handler settles, so a protocol error lets it answer first. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inflight++;
    return work.finally(() => {
      if (--this.inflight === 0) for (const wake of this.idleWaiters) wake();
    });
  }

  /** Registers something that ends with this connection (a subscription, a follower). */
  own(cleanup: () => void): () => void {
    this.cleanups.add(cleanup);
    return () => this.cleanups.delete(cleanup);
  }

  /** Sends a notification; a client that lets too much pile up unread is disconnected (see checkUnread). */
  notify<D extends NotificationDeclaration>(declaration: D, params: ParamsOf<D>): void {
    if (this.closed) return;
    // A write that fails means the socket is closing; the close handler cleans up.
    this.rpc.sendNotification(declaration.method, params).catch(() => undefined);
  }

  /**
   * Replies and notifications alike wait in the socket's buffer until the client reads
   * them: one that stops reading is disconnected once they pass the limit, and the
   * work it still had queued is dropped with it (the dispatcher skips a closed connection).
   */
  private checkUnread(unread: number): void {
    if (unread <= this.limits.maxBufferedBytes || this.closed) return;
    this.log.warn({ conn: this.id, buffered: unread, limit: this.limits.maxBufferedBytes }, 'client is not reading; disconnecting it');
    this.close();
  }

  close(): void {
    this.socket.destroy();
  }

  /** Bytes sent to this connection that the client has not read yet (beyond what the kernel holds). */
  get unread(): number {
    return this.socket.writableLength;
  }

  /** Calls `wake` once the client has read what was queued (or the connection closed). */
  whenRead(wake: () => void): void {
    if (this.closed || this.unread === 0) {
      setImmediate(wake);
      return;
    }
    this.readWaiters.add(wake);
  }

  private wakeReaders(): void {
    const waiters = [...this.readWaiters];
    this.readWaiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Ends the connection once requests in flight have answered and their replies are
   * written (a `daemon/shutdown` reply included); destroys it if that takes over `drainMs`.
   */
  async end(drainMs: number): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    const timer = setTimeout(() => this.socket.destroy(), drainMs);
    await this.drained();
    this.socket.end();
    await closed;
    clearTimeout(timer);
  }

  /**
   * A bad frame: requests read before it still get their replies, then the error
   * reply goes out (where the protocol allows one) and this connection closes.
   */
  private protocolError(error: FrameError, id: string | number | null): void {
    this.log.warn({ conn: this.id, code: error.code, reason: error.message }, 'protocol error; closing the connection');
    void this.drained().then(() => {
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
      this.socket.once('close', () => clearTimeout(timer));
      this.writer
        .write({ jsonrpc: '2.0', id, error } as never)
        .catch(() => undefined) // the peer may already be gone; closing is all that is left
        .finally(() => this.socket.end());
    });
  }

  /** Resolves once no request is in flight (or after DRAIN_BEFORE_ERROR_MS), and their replies are queued. */
  private async drained(): Promise<void> {
    if (this.inflight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, DRAIN_BEFORE_ERROR_MS);
        this.idleWaiters.add(resolve);
      });
      clearTimeout(timer);
      this.idleWaiters.clear();
    }
    // vscode-jsonrpc queues a reply a few promise turns after its handler settles.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
