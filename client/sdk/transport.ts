import { createConnection } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { RpcErrorObject } from './errors.js';
import { checkSocketDir } from './socket-dir.js';

export type { RpcErrorObject };

/**
 * JSON-RPC 2.0 with Content-Length framing over a byte stream (a unix socket, or a
 * spawned command's stdout and stdin: `ssh HOST sess proxy`), written against the
 * protocol rather than a library: loading nothing beyond Node keeps `sess` and editor
 * clients quick to start. Requests are matched to replies by id; notifications go to
 * their listeners; when the connection ends, every pending request is rejected.
 */

/**
 * The two ends of a byte stream to a sessd. `close` ends it for good. `ended`, when
 * given, settles once the stream is over with why (a command's exit and stderr), and
 * stands in for the input's own close.
 */
export interface Channel {
  input: Readable;
  output: Writable;
  close(): void;
  ended?: Promise<string>;
}

/** A frame this large from the daemon means something is wrong with the stream. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class RpcReplyError extends Error {
  constructor(readonly error: RpcErrorObject) {
    super(error.message);
    this.name = 'RpcReplyError';
  }
}

/** The connection ended (or broke) before a reply came. */
export class ConnectionClosedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConnectionClosedError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class RpcTransport {
  private buffer: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedWith: string | undefined;

  private constructor(private readonly channel: Channel) {
    channel.input.on('data', (chunk: Buffer) => this.onData(chunk));
    channel.input.on('error', (error) => this.finish(`connection error: ${error.message}`));
    if (channel.ended === undefined) channel.input.on('close', () => this.finish('sessd closed the connection'));
    else void channel.ended.then((reason) => this.finish(reason));
    // A command's stdin breaks (EPIPE) when it exits; `ended` says why.
    if ((channel.output as unknown) !== channel.input) channel.output.on('error', () => undefined);
  }

  /** Speaks over a channel that is already open (a spawned command's pipes). */
  static over(channel: Channel): RpcTransport {
    return new RpcTransport(channel);
  }

  /**
   * Connects; rejects with UnsafeSocketError when the socket's directory is not ours
   * alone (checkSocketDir), and with the socket error (ENOENT, ECONNREFUSED, EACCES)
   * when nothing answers.
   */
  static async connect(path: string): Promise<RpcTransport> {
    await checkSocketDir(path);
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        const close = (): void => {
          socket.end();
          socket.destroy();
        };
        resolve(new RpcTransport({ input: socket, output: socket, close }));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  request(method: string, params: unknown): Promise<unknown> {
    if (this.closedWith !== undefined) return Promise.reject(new ConnectionClosedError(this.closedWith));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    if (this.closedWith === undefined) this.write({ jsonrpc: '2.0', method, params });
  }

  onNotification(method: string, handler: (params: unknown) => void): () => void {
    let set = this.handlers.get(method);
    if (set === undefined) this.handlers.set(method, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.channel.close();
    this.finish('closed by the client');
  }

  private write(message: object): void {
    const body = JSON.stringify(message);
    this.channel.output.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end === -1) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'))?.[1]);
      if (!Number.isSafeInteger(length) || length > MAX_FRAME_BYTES) {
        this.channel.close();
        this.finish('sessd sent a frame that cannot be read');
        return;
      }
      if (this.buffer.length < end + HEADER_END.length + length) return;
      const body = this.buffer.subarray(end + HEADER_END.length, end + HEADER_END.length + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + HEADER_END.length + length);
      this.dispatch(JSON.parse(body) as Record<string, unknown>);
    }
  }

  private dispatch(message: Record<string, unknown>): void {
    if (typeof message.method === 'string') {
      for (const handler of this.handlers.get(message.method) ?? []) handler(message.params);
      return;
    }
    const pending = this.pending.get(message.id as number);
    if (pending === undefined) return; // a reply to a request this side gave up on
    this.pending.delete(message.id as number);
    if (message.error !== undefined) pending.reject(new RpcReplyError(message.error as RpcErrorObject));
    else pending.resolve(message.result);
  }

  private finish(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    const error = new ConnectionClosedError(reason);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
  }
}
