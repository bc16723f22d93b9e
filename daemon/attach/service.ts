import type { Logger } from 'pino';
import type { SessionAttacher } from '../backend/backend.js';
import { errors } from '../errors.js';
import type { ClientConnection } from '../rpc/connection.js';
import { newId } from '../sessions/naming.js';
import { Attacher } from './attacher.js';

/** How long a tmux client may take to draw its first screen; it normally takes milliseconds. */
const ATTACH_READY_MS = 10_000;

export interface AttachRequest {
  conn: ClientConnection;
  /** The backend session to show. */
  name: string;
  cols: number;
  rows: number;
  readOnly: boolean;
}

/**
 * Every `session/attach` in progress, by id. An attach belongs to the connection that
 * made it: another connection cannot see it, and it ends when its connection does.
 * Its pty is disposed however it ends: detach, session ended, socket closed, daemon stop.
 */
export class AttachService {
  private readonly attachers = new Map<string, Attacher>();
  private stopping = false;

  constructor(
    private readonly backend: SessionAttacher,
    private readonly options: { cwd: string; stallMs: number },
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.attachers.size;
  }

  /**
   * Starts a tmux client for `name` and resolves with the attach's id once the client is
   * attached (it drew the screen), or null if it exited first (the session is gone).
   * Its output flows once the caller's reply is on its way.
   */
  async open(request: AttachRequest): Promise<string | null> {
    if (this.stopping) throw new Error('the daemon is stopping');
    const id = newId('a', 11);
    const { conn } = request;
    const attacher = new Attacher({
      id,
      session: request.name,
      conn,
      command: this.backend.attachCommand(request.name, request.readOnly),
      cols: request.cols,
      rows: request.rows,
      cwd: this.options.cwd,
      readOnly: request.readOnly,
      stallMs: this.options.stallMs,
      log: this.log,
      onClosed: (closed, reason) => {
        this.attachers.delete(closed.id);
        forget();
        this.log.debug({ attach: closed.id, session: closed.session, conn: conn.id, reason }, 'attach closed');
      },
    });
    this.attachers.set(id, attacher);
    const forget = conn.own(() => void attacher.close('connection-closed'));
    this.log.debug({ attach: id, session: request.name, conn: conn.id, pid: attacher.pid, readOnly: request.readOnly }, 'attached');
    let timer: NodeJS.Timeout | undefined;
    const attached = await Promise.race([
      attacher.attached,
      new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ATTACH_READY_MS))),
    ]);
    clearTimeout(timer);
    if (attached !== true) {
      attacher.abandon();
      if (attached === 'late') throw errors.timeout('tmux attach', ATTACH_READY_MS);
      return null;
    }
    // vscode-jsonrpc queues the reply a few promise turns after the handler returns.
    setImmediate(() => attacher.start());
    return id;
  }

  input(conn: ClientConnection, id: string, data: string): void {
    const attacher = this.get(conn, id);
    if (attacher.readOnly) throw errors.readOnly(id);
    attacher.write(data);
  }

  resize(conn: ClientConnection, id: string, cols: number, rows: number): void {
    this.get(conn, id).resize(cols, rows);
  }

  /** Detaches; resolves once the tmux client and its pty are gone. */
  detach(conn: ClientConnection, id: string): Promise<void> {
    return this.get(conn, id).close('detached');
  }

  /** At daemon stop: every attacher is told why and closed; resolves once every pty is gone. */
  async closeAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.attachers.values()].map((a) => a.close('daemon-stopping')));
  }

  /** The attach `id` of this connection, or `attach_not_found`. */
  private get(conn: ClientConnection, id: string): Attacher {
    const attacher = this.attachers.get(id);
    if (attacher === undefined || attacher.conn !== conn || attacher.isClosing) throw errors.attachNotFound(id);
    return attacher;
  }
}
