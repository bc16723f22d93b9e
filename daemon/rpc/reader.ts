import type { Socket } from 'node:net';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc';
import { FrameParser, parseEnvelope, type FrameError } from './framing.js';

/**
 * vscode-jsonrpc's stream reader trusts its peer (no size cap, lenient headers).
 * This one reads through FrameParser and parseEnvelope; on the first bad frame it
 * stops reading and hands the error to `onProtocolError`, which replies and closes.
 */
export class HardenedMessageReader extends AbstractMessageReader {
  private readonly parser: FrameParser;
  private stopped = false;

  constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
    private readonly onProtocolError: (error: FrameError, id: string | number | null) => void,
  ) {
    super();
    this.parser = new FrameParser(maxFrameBytes);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      for (const event of this.parser.push(chunk)) {
        if (this.stopped) return;
        if (event.kind === 'error') {
          this.stop(event.error, null);
          return;
        }
        const envelope = parseEnvelope(event.body);
        if (envelope.kind === 'error') {
          this.stop(envelope.error, envelope.id);
          return;
        }
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

  private stop(error: FrameError, id: string | number | null): void {
    this.stopped = true;
    this.socket.pause();
    this.onProtocolError(error, id);
  }
}
