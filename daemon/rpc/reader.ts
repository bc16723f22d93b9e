import type { Socket } from 'node:net';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc';
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

  constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
  ) {
    super();
    this.parser = new FrameParser(maxFrameBytes);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
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
    };
    const onClose = (): void => this.fireClose();
    const onError = (error: Error): void => this.fireError(error);
    this.socket.on('data', onData);
    this.socket.on('close', onClose);
    this.socket.on('error', onError);
    return {
      dispose: () => {
        this.socket.off('data', onData);
        this.socket.off('close', onClose);
        this.socket.off('error', onError);
      },
    };
  }

  private stop(callback: DataCallback, error: FrameError, id: string | number | null): void {
    this.stopped = true;
    this.socket.pause();
    const params: ProtocolErrorParams = { error, id };
    callback({ jsonrpc: '2.0', method: PROTOCOL_ERROR_METHOD, params } as unknown as Message);
  }
}
