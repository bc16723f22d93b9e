import type { Socket } from 'node:net';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc';

/**
 * Writes each message as one `Content-Length` frame in one socket write (header and
 * body in one string: one write syscall, and Node can hand a string to the kernel
 * without copying it into a Buffer first), straight into the socket's buffer.
 * vscode-jsonrpc's stream writer writes header and body separately and holds every
 * message behind the previous one's callback, so what a slow client has not read
 * piles up in its queue, out of sight. Here all of it is `socket.writableLength`,
 * which the connection bounds.
 */
export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(
    private readonly socket: Socket,
    /** Called after each frame is queued, with the bytes now waiting to be read. */
    private readonly onQueued: (unread: number) => void,
    /** Called when everything written so far has been handed to the kernel. */
    private readonly onFlushed: () => void,
  ) {
    super();
  }

  write(message: Message): Promise<void> {
    const body = JSON.stringify(message);
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) {
        reject(new Error('the connection is closed'));
        return;
      }
      this.socket.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`, 'utf8', (error) => {
        if (error) {
          reject(error);
          return;
        }
        resolve();
        if (this.socket.writableLength === 0) this.onFlushed();
      });
      this.onQueued(this.socket.writableLength);
    });
  }

  end(): void {
    // The connection ends the socket itself, after its last reply.
  }
}
