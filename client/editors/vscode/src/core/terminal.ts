import { Attachment, type AttachCloseReason } from '../../../../sdk/attach.js';
import type { SessdClient } from '../../../../sdk/client.js';
import { whenClosed } from '../../../../sdk/reconnect.js';

/** Used until the editor tells the terminal's size (VS Code may open a terminal before it is laid out). */
export const DEFAULT_DIMENSIONS = { cols: 80, rows: 24 };

export interface TerminalSink {
  /** Text for the terminal to show. */
  write(data: string): void;
  /** The attach ended; `message` says why, for the person looking at the terminal. */
  closed(reason: AttachCloseReason, message: string): void;
}

/** Attach ends after which the terminal attaches again, once sessd answers again: sessd went away, the session did not. */
const REATTACHED: readonly AttachCloseReason[] = ['connection-lost', 'daemon-stopping'];

/**
 * A session's terminal through sessd's `session/attach`, shaped like an editor's
 * pseudo-terminal: open at a size, input, resize, close. With `reconnected` (the
 * editor's connection, made again after sessd restarted), a terminal whose attach
 * ended because sessd went away attaches again instead of closing. It needs nothing
 * from VS Code.
 */
export class SessionTerminal {
  private attachment: Attachment | undefined;
  private size = DEFAULT_DIMENSIONS;
  /** Input typed before the attach is ready, sent once it is. */
  private pending: string[] = [];
  private ended = false;

  constructor(
    private client: SessdClient,
    readonly session: string,
    readonly readOnly: boolean,
    private readonly reconnected?: () => Promise<SessdClient>,
  ) {}

  async open(sink: TerminalSink, dimensions?: { cols: number; rows: number }): Promise<void> {
    if (dimensions !== undefined) this.size = clamp(dimensions);
    try {
      this.attachment = await Attachment.open(this.client, { session: this.session, ...this.size, ...(this.readOnly ? { readOnly: true } : {}) });
    } catch (error) {
      this.ended = true;
      sink.closed('error', `cannot attach to ${this.session}: ${(error as Error).message}`);
      return;
    }
    const attachment = this.attachment;
    attachment.onOutput((data) => sink.write(data));
    void attachment.closed.then(async (reason) => {
      if (this.ended) return sink.closed(reason, closeMessage(this.session, reason));
      if (this.reconnected !== undefined && REATTACHED.includes(reason)) {
        this.attachment = undefined;
        sink.write(`\r\n[sessd: ${closeMessage(this.session, reason)}; attaching again once sessd answers]\r\n`);
        try {
          // A stopping sessd says so before it hangs up: the new connection is made after.
          await whenClosed(this.client);
          this.client = await this.reconnected();
        } catch (error) {
          this.ended = true;
          return sink.closed('connection-lost', `cannot reach sessd again: ${(error as Error).message}`);
        }
        if (!this.ended) return this.open(sink);
      }
      this.ended = true;
      sink.closed(reason, closeMessage(this.session, reason));
    });
    for (const data of this.pending.splice(0)) this.input(data);
  }

  input(data: string): void {
    if (this.ended || this.readOnly) return;
    if (this.attachment === undefined) {
      this.pending.push(data);
      return;
    }
    // Refused input (the attach just ended) has nowhere to go; `closed` tells the person.
    this.attachment.write(data).catch(() => undefined);
  }

  resize(dimensions: { cols: number; rows: number }): void {
    this.size = clamp(dimensions);
    // A resize racing the end of the attach has nothing left to resize.
    this.attachment?.resize(this.size.cols, this.size.rows).catch(() => undefined);
  }

  /** Detaches; the session keeps running. */
  async close(): Promise<void> {
    this.ended = true;
    await this.attachment?.detach().catch(() => undefined); // gone already: nothing to detach
  }
}

function clamp({ cols, rows }: { cols: number; rows: number }): { cols: number; rows: number } {
  return { cols: Math.min(1000, Math.max(2, cols)), rows: Math.min(1000, Math.max(2, rows)) };
}

export function closeMessage(session: string, reason: AttachCloseReason): string {
  switch (reason) {
    case 'detached':
      return `detached from ${session}; it keeps running`;
    case 'session-ended':
      return `${session} ended`;
    case 'daemon-stopping':
      return 'sessd stopped; attach again once it runs';
    case 'client-too-slow':
      return 'this terminal fell too far behind; attach again';
    case 'connection-lost':
      return 'the connection to sessd was lost';
    default:
      return `the attach to ${session} ended`;
  }
}
