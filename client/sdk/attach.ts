import type { AttachClosedParams, AttachOutputParams, SessionAttachParams } from '../../shared/protocol/attach.js';
import type { SessdClient } from './client.js';

export type AttachCloseReason = AttachClosedParams['reason'] | 'connection-lost';

/**
 * A live `session/attach`: the session's terminal, drawn by a tmux client that sessd
 * runs at this size. Output comes in order (a gap in `seq`, which sessd never makes,
 * would be counted in `lost`); `closed` settles however it ends.
 */
export class Attachment {
  private readonly outputListeners = new Set<(data: string) => void>();
  private readonly disposers: (() => void)[] = [];
  private nextSeq = 0;
  /** Output notifications missing from the sequence (sessd never skips one; counted, not hidden). */
  lost = 0;
  private closeReason: AttachCloseReason | undefined;
  private settle: (reason: AttachCloseReason) => void = () => undefined;
  /** Output that came before a listener was added; given to the first one. */
  private backlog: string[] = [];
  readonly closed: Promise<AttachCloseReason>;

  private constructor(
    private readonly client: SessdClient,
    readonly id: string,
  ) {
    this.closed = new Promise((resolve) => (this.settle = resolve));
  }

  /** Attaches to `params.session`; output flows to `onOutput` listeners from the first screen on. */
  static async open(client: SessdClient, params: SessionAttachParams): Promise<Attachment> {
    // Notifications that come before the reply are held until the id is known.
    const early: (AttachOutputParams | AttachClosedParams)[] = [];
    const opened: { attachment?: Attachment } = {};
    const take = (p: AttachOutputParams | AttachClosedParams): void => {
      if (opened.attachment === undefined) early.push(p);
      else if (p.attachId === opened.attachment.id) opened.attachment.take(p);
    };
    const offOutput = client.on('attach/output', take);
    const offClosed = client.on('attach/closed', take);
    let id: string;
    try {
      id = (await client.session.attach(params)).attachId;
    } catch (error) {
      offOutput();
      offClosed();
      throw error;
    }
    const attachment = (opened.attachment = new Attachment(client, id));
    attachment.disposers.push(offOutput, offClosed, client.onClose(() => attachment.end('connection-lost')));
    for (const p of early) if (p.attachId === id) attachment.take(p);
    return attachment;
  }

  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  onOutput(listener: (data: string) => void): () => void {
    this.outputListeners.add(listener);
    for (const data of this.backlog.splice(0)) listener(data);
    return () => this.outputListeners.delete(listener);
  }

  /** Types `data` as-is (escape sequences included). Refused with `read_only` on a read-only attach. */
  async write(data: string): Promise<void> {
    await this.client.attach.input({ attachId: this.id, data });
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (this.isClosed) return;
    await this.client.attach.resize({ attachId: this.id, cols, rows });
  }

  /** Detaches (the session keeps running); resolves once sessd's tmux client is gone. */
  async detach(): Promise<void> {
    if (this.isClosed) return;
    try {
      await this.client.attach.detach({ attachId: this.id });
    } catch (error) {
      // Closed meanwhile on sessd's side (the session ended): the goal is reached.
      if (!this.isClosed) throw error;
    }
    this.end('detached');
  }

  private take(p: AttachOutputParams | AttachClosedParams): void {
    if ('reason' in p) {
      this.end(p.reason);
      return;
    }
    if (p.seq !== this.nextSeq) this.lost += p.seq - this.nextSeq;
    this.nextSeq = p.seq + 1;
    if (this.outputListeners.size === 0) this.backlog.push(p.data);
    for (const listener of this.outputListeners) listener(p.data);
  }

  private end(reason: AttachCloseReason): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    for (const dispose of this.disposers.splice(0)) dispose();
    this.settle(reason);
  }
}
