import { spawn as spawnPty, type IPty } from 'node-pty';
import type { Logger } from 'pino';
import type { AttachClosedParams } from '../../shared/protocol/attach.js';
import { AttachClosedNotification, AttachOutputNotification } from '../../shared/protocol/attach.js';
import type { AttachCommand } from '../backend/backend.js';
import type { ClientConnection } from '../rpc/connection.js';

/**
 * Unread bytes on the client's connection beyond which this attach's pty is paused:
 * a client that does not read stops its own tmux client, and tmux then skips drawing
 * to it (and redraws once it reads again), so neither the session nor the other
 * attachers wait for it.
 */
export const ATTACH_UNREAD_BYTES = 512 * 1024;
/**
 * Output held for one attach while it waits to be sent (after its pty was paused, what
 * was already read; before its reply, what came first). Over this, the client is closed.
 */
export const ATTACH_HELD_BYTES = 4 * 1024 * 1024;
/**
 * Output is sent in notifications of at most this many characters: a stream of small
 * pty reads (tmux draws in a few hundred bytes at a time) becomes few large frames.
 */
export const ATTACH_BATCH_CHARS = 64 * 1024;
/**
 * Output that follows other output within this long is gathered into one notification
 * (the first after a quiet spell goes at once, so typing echoes without delay): a few
 * ms, below what a person sees, and a notification per pty read costs the daemon more
 * than tmux spends drawing.
 */
const ATTACH_BATCH_MS = 4;
/** How long a tmux client gets to exit after SIGHUP before it is killed: it exits at once unless wedged. */
const EXIT_GRACE_MS = 2_000;
/** Text tmux prints as its client leaves because it was detached (by the prefix key, or `detach-client`). */
const DETACHED_BANNER = '[detached';
/** How much of the last output is kept to tell a detach from a session's end. */
const TAIL_CHARS = 256;

export type CloseReason = AttachClosedParams['reason'];

export interface AttacherOptions {
  id: string;
  session: string;
  conn: ClientConnection;
  command: AttachCommand;
  cols: number;
  rows: number;
  cwd: string;
  readOnly: boolean;
  /** How long the client may stay over its budget (pty paused) before it is closed. */
  stallMs: number;
  log: Logger;
  /** Called once, when the attach is over and its pty has exited. */
  onClosed(attacher: Attacher, reason: CloseReason | 'connection-closed'): void;
}

/**
 * One `session/attach`: a tmux client in a pty of the client's size, its output sent
 * as `attach/output` (one `seq` per notification), paced by what the client reads.
 */
export class Attacher {
  readonly id: string;
  readonly session: string;
  readonly conn: ClientConnection;
  readonly readOnly: boolean;
  private readonly pty: IPty;
  private seq = 0;
  /** Output not sent yet: before the reply that names the attach, or while the client is behind. */
  private held: string[] = [];
  private heldBytes = 0;
  /** Output gathered to be sent together once the batch's time is up (see ATTACH_BATCH_MS). */
  private batch: string[] = [];
  private batchChars = 0;
  /** Running while output is being gathered: a batch's window. */
  private batchTimer: NodeJS.Timeout | undefined;
  /** Output is sent as it comes (the reply went out, and the client keeps up). */
  private flowing = false;
  private started = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private closing: CloseReason | 'connection-closed' | undefined;
  private tail = '';
  /** The pty exited before `start`: its end is reported once the client knows the attach. */
  private endedEarly = false;
  readonly exited: Promise<void>;
  /** True once the tmux client drew its first output (it is attached); false if it exited first. */
  readonly attached: Promise<boolean>;
  private markAttached: (ok: boolean) => void = () => undefined;

  constructor(private readonly options: AttacherOptions) {
    this.id = options.id;
    this.session = options.session;
    this.conn = options.conn;
    this.readOnly = options.readOnly;
    this.pty = spawnPty(options.command.file, options.command.args, {
      name: options.command.env.TERM ?? 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: options.command.env,
      encoding: 'utf8', // a character split across reads is held back by the decoder
    });
    this.attached = new Promise((resolve) => (this.markAttached = resolve));
    this.pty.onData((data) => {
      this.markAttached(true);
      this.output(data);
    });
    this.exited = new Promise((resolve) => {
      this.pty.onExit(() => {
        this.markAttached(false);
        clearTimeout(this.stallTimer);
        clearTimeout(this.batchTimer);
        clearTimeout(this.killTimer);
        this.finish();
        resolve();
      });
    });
  }

  /** The tmux client's pid. */
  get pid(): number {
    return this.pty.pid;
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Starts sending output; called once the reply that names this attach is on its way. */
  start(): void {
    this.started = true;
    this.flush();
    if (this.endedEarly) this.finish();
  }

  /** Gives up an attach whose client was never told of it: no notification, the pty is hung up. */
  abandon(): void {
    if (this.closing === undefined) {
      this.closing = 'error';
      this.hangUp();
    }
    this.start();
  }

  write(data: string): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  /**
   * Ends the attach: tells the client why (unless its connection is gone), hangs up
   * its tmux client, and resolves once the pty has exited.
   */
  close(reason: CloseReason | 'connection-closed'): Promise<void> {
    if (this.closing === undefined) {
      this.closing = reason;
      clearTimeout(this.stallTimer);
      clearTimeout(this.batchTimer);
      this.held = [];
      this.batch = [];
      if (reason !== 'connection-closed') this.conn.notify(AttachClosedNotification, { attachId: this.id, reason });
      this.hangUp();
    }
    return this.exited;
  }

  private hangUp(): void {
    try {
      this.pty.kill('SIGHUP');
    } catch {
      return; // exited already: onExit settles everything
    }
    this.killTimer = setTimeout(() => {
      try {
        this.pty.kill('SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }, EXIT_GRACE_MS);
  }

  /** The pty exited: for a reason given by `close`, or on its own (detached inside tmux, or the session ended). */
  private finish(): void {
    if (!this.started) {
      this.endedEarly = true;
      return;
    }
    let reason = this.closing;
    if (reason === undefined) {
      this.sendBatch(false);
      this.flush();
      reason = stripAnsi(this.tail).includes(DETACHED_BANNER) ? 'detached' : 'session-ended';
      this.closing = reason;
      this.conn.notify(AttachClosedNotification, { attachId: this.id, reason });
    }
    this.options.onClosed(this, reason);
  }

  private output(data: string): void {
    if (this.closing !== undefined) return;
    this.tail = (this.tail + data).slice(-TAIL_CHARS);
    if (this.flowing) {
      this.gather(data);
      return;
    }
    this.held.push(data);
    this.heldBytes += data.length;
    if (this.heldBytes > ATTACH_HELD_BYTES) void this.close('client-too-slow');
  }

  /**
   * Output while flowing: sent at once after a quiet spell, then gathered for
   * ATTACH_BATCH_MS (or until ATTACH_BATCH_CHARS) into one notification, for as long
   * as output keeps coming.
   */
  private gather(data: string): void {
    this.batch.push(data);
    this.batchChars += data.length;
    if (this.batchTimer === undefined) {
      this.sendBatch();
      this.batchTimer = setTimeout(() => this.batchDue(), ATTACH_BATCH_MS);
    } else if (this.batchChars >= ATTACH_BATCH_CHARS) {
      this.sendBatch();
    }
  }

  /** A batch's window ended: what it gathered goes, and another window opens if there was any. */
  private batchDue(): void {
    this.batchTimer = undefined;
    if (this.batch.length === 0 || this.closing !== undefined) return;
    this.sendBatch();
    this.batchTimer = setTimeout(() => this.batchDue(), ATTACH_BATCH_MS);
  }

  /** Sends what was gathered, and (with `pace`) pauses the pty if the client is behind. */
  private sendBatch(pace = true): void {
    if (this.batch.length === 0) return;
    const data = this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    this.send(data);
    if (pace && this.flowing) this.pace();
  }

  private send(data: string): void {
    this.conn.notify(AttachOutputNotification, { attachId: this.id, seq: this.seq++, data });
  }

  /** Sends what was held (in notifications of up to ATTACH_BATCH_CHARS), then lets output flow unless the client is behind. */
  private flush(): void {
    if (!this.started || this.closing !== undefined) return;
    let pending = '';
    for (const data of this.held) {
      pending += data;
      if (pending.length >= ATTACH_BATCH_CHARS) {
        this.send(pending);
        pending = '';
      }
    }
    if (pending !== '') this.send(pending);
    this.held = [];
    this.heldBytes = 0;
    this.flowing = true;
    this.pace();
  }

  /** Pauses the pty while the client is behind; closes the client if it stays behind. */
  private pace(): void {
    if (this.conn.unread <= ATTACH_UNREAD_BYTES || this.conn.isClosed) return;
    this.flowing = false;
    this.pty.pause();
    this.options.log.debug({ attach: this.id, unread: this.conn.unread }, 'attach paused: its client is behind');
    this.stallTimer = setTimeout(() => {
      this.options.log.warn({ attach: this.id, conn: this.conn.id, stallMs: this.options.stallMs }, 'attached client stopped reading; detaching it');
      void this.close('client-too-slow');
    }, this.options.stallMs);
    this.conn.whenRead(() => {
      clearTimeout(this.stallTimer);
      if (this.closing !== undefined) return;
      this.options.log.debug({ attach: this.id }, 'attach resumed');
      this.pty.resume();
      this.flush();
    });
  }
}

/** Terminal escapes removed, to read tmux's own words from the end of its output. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMNOZc]/g, '');
}
