import type { Socket } from 'node:net';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc';
import { SessdErrorCode } from '../../shared/errors.js';
import { FrameParser, parseEnvelope, type FrameError } from './framing.js';

/**
 * The internal notification that carries a protocol error through vscode-jsonrpc's
 * message queue, so that it is handled after every message read before it. A client
 * cannot send it: methods under `$/sessd/` are dropped.
 */
export const PROTOCOL_ERROR_METHOD = '$/sessd/protocolError';

export interface ProtocolErrorParams {
  error: FrameError;
  id: string | number | null;
}

/**
 * vscode-jsonrpc's stream reader trusts its peer (no size cap, lenient headers).
 * This one reads through FrameParser and parseEnvelope; on the first bad frame it
 * stops reading and queues a PROTOCOL_ERROR_METHOD notification behind the messages
 * already read, whose handler lets them answer, then replies with the error and closes.
 */
export class HardenedMessageReader extends AbstractMessageReader {
  private readonly parser: FrameParser;
  private stopped = false;
  /** Runs while a header is incomplete: a peer that trickles one in holds a connection for nothing. */
  private headerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
    private readonly headerTimeoutMs: number,
  ) {
    super();
    this.parser = new FrameParser(maxFrameBytes);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      this.readFrames(callback, chunk);
      if (this.stopped || !this.parser.inHeader) {
        clearTimeout(this.headerTimer);
        this.headerTimer = undefined;
      } else {
        this.headerTimer ??= setTimeout(() => {
          const error: FrameError = {
            code: SessdErrorCode.limit_exceeded,
            message: `header not complete within ${this.headerTimeoutMs} ms`,
            data: { code: 'limit_exceeded', limit: 'headerTime', max: this.headerTimeoutMs },
          };
          if (!this.stopped) this.stop(callback, error, null);
        }, this.headerTimeoutMs);
      }
    };
    const onClose = (): void => {
      clearTimeout(this.headerTimer);
      this.fireClose();
    };
    const onError = (error: Error): void => this.fireError(error);
    this.socket.on('data', onData);
    this.socket.on('close', onClose);
    this.socket.on('error', onError);
    return {
      dispose: () => {
        clearTimeout(this.headerTimer);
        this.socket.off('data', onData);
        this.socket.off('close', onClose);
        this.socket.off('error', onError);
      },
    };
  }

  private readFrames(callback: DataCallback, chunk: Buffer): void {
    for (const event of this.parser.push(chunk)) {
      if (this.stopped) return;
      if (event.kind === 'error') {
        this.stop(callback, event.error, null);
        return;
      }
      const envelope = parseEnvelope(event.body);
      if (envelope.kind === 'error') {
        this.stop(callback, envelope.error, envelope.id);
        return;
      }
      if (String(envelope.message.method).startsWith('$/sessd/')) continue;
      callback(envelope.message as unknown as Message);
    }
  }

  private stop(callback: DataCallback, error: FrameError, id: string | number | null): void {
    this.stopped = true;
    this.socket.pause();
    const params: ProtocolErrorParams = { error, id };
    callback({ jsonrpc: '2.0', method: PROTOCOL_ERROR_METHOD, params } as unknown as Message);
  }
}
