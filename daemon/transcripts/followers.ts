import { TranscriptDataNotification } from '../../shared/protocol/transcript.js';
import type { ClientConnection } from '../rpc/connection.js';
import { newId } from '../sessions/naming.js';
import type { TranscriptRead } from './reader.js';
import { utf8Cut } from './utf8.js';

/** Stored bytes sent to a follower per turn of the event loop while it catches up. */
const REPLAY_BYTES = 256 * 1024;
/**
 * Unread bytes queued for a follower's connection beyond which it stops being sent
 * live output and catches up from the store once it has read them: a slow follower
 * is paced, never disconnected, and never holds output in the daemon's memory.
 */
const FOLLOWER_UNREAD_BYTES = 1024 * 1024;

interface Follower {
  id: string;
  conn: ClientConnection;
  session: string;
  next: number;
  live: boolean;
  /** An incomplete UTF-8 character at the end of what was sent, held for the next send. */
  held: Uint8Array;
}

/** Where followers read: a session's transcript end and its bytes. */
export interface FollowSource {
  end(session: string): number;
  readBytes(session: string, from: number | undefined, maxBytes: number): Omit<TranscriptRead, 'marks'>;
}

/**
 * `transcript/follow`: each follower gets a session's output from its offset on,
 * first from the store a bounded piece per turn, then live as it is appended;
 * paced by what its client has read.
 */
export class Followers {
  private readonly byId = new Map<string, Follower>();

  constructor(private readonly source: FollowSource) {}

  /** Starts a follower at `from`; it catches up once the reply naming it has gone. */
  add(conn: ClientConnection, session: string, from: number): string {
    const follower: Follower = { id: newId('f', 11), conn, session, next: from, live: false, held: new Uint8Array(0) };
    this.byId.set(follower.id, follower);
    conn.own(() => this.byId.delete(follower.id));
    setImmediate(() => this.catchUp(follower));
    return follower.id;
  }

  remove(conn: ClientConnection, id: string): boolean {
    const follower = this.byId.get(id);
    if (follower === undefined || follower.conn !== conn) return false;
    this.byId.delete(id);
    return true;
  }

  /** New output of `session`: live followers get it now. */
  appended(session: string): void {
    for (const follower of this.byId.values()) if (follower.session === session && follower.live) this.sendLive(follower);
  }

  /** The session's transcript is gone: so are its followers. */
  forget(session: string): void {
    for (const [id, f] of this.byId) if (f.session === session) this.byId.delete(id);
  }

  clear(): void {
    this.byId.clear();
  }

  /** Sends stored output to a follower a bounded piece per turn, then switches it to live. */
  private catchUp(follower: Follower): void {
    if (!this.byId.has(follower.id) || follower.conn.isClosed) return;
    if (follower.conn.unread > FOLLOWER_UNREAD_BYTES) {
      follower.conn.whenRead(() => this.catchUp(follower));
      return;
    }
    const end = this.source.end(follower.session);
    if (follower.next < end) {
      this.send(follower, REPLAY_BYTES);
      setImmediate(() => this.catchUp(follower));
      return;
    }
    // Caught up within this turn: from here on, every append is sent as it comes.
    follower.live = true;
  }

  /** Live output for a follower: sent now, unless its client is behind (then it catches up later). */
  private sendLive(follower: Follower): void {
    if (follower.conn.unread <= FOLLOWER_UNREAD_BYTES) {
      this.send(follower);
      return;
    }
    follower.live = false;
    follower.conn.whenRead(() => this.catchUp(follower));
  }

  /**
   * Sends what the follower has not had yet (up to `max` bytes), whole UTF-8
   * characters only. Bytes dropped by retention before it read them are skipped:
   * the next `from` is then past the end of the previous data.
   */
  private send(follower: Follower, max = Number.MAX_SAFE_INTEGER): void {
    const read = this.source.readBytes(follower.session, follower.next, max);
    const held = read.from > follower.next ? new Uint8Array(0) : follower.held;
    if (read.to <= follower.next && held.length === 0) return;
    const from = read.from - held.length;
    const bytes = held.length === 0 ? read.bytes : Buffer.concat([held, read.bytes]);
    const cut = utf8Cut(bytes);
    follower.held = bytes.subarray(cut);
    follower.next = read.to;
    if (cut === 0) return;
    follower.conn.notify(TranscriptDataNotification, {
      followId: follower.id,
      from,
      data: Buffer.from(bytes.subarray(0, cut)).toString('utf8'),
    });
  }
}
