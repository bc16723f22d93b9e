import { expect } from 'vitest';
import {
  CheckpointListRequest,
  DaemonStatusRequest,
  EventsSubscribeRequest,
  SessionListRequest,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { tmux } from '../helpers/daemon.js';

/** The tmux session sessd keeps for its control client. */
const CONTROL_SESSION = '_sessd';

/**
 * What the daemon acknowledged: every reply received is a promise that its effect
 * is on disk. `verify` checks a (restarted) daemon against it.
 */
export class Ledger {
  /** Sessions whose create (or restore as new) was acknowledged, with their labels as last acknowledged. */
  readonly sessions = new Map<string, { labels: Record<string, string> }>();
  readonly deleted = new Set<string>();
  /** Checkpoints acknowledged, per session: seq → label. */
  readonly checkpoints = new Map<string, Map<number, string>>();
  /** Messages acknowledged as delivered (`when: now`), with their session. */
  readonly delivered = new Map<string, string>();
  /** Messages acknowledged as queued (`when: idle`), with their session. */
  readonly queued = new Map<string, string>();
  /** Sessions restored as new from a checkpoint with a resume prompt: the prompt is a queued message. */
  readonly resumePrompts = new Map<string, string>();
  /** Every event read so far, by seq. */
  readonly events = new Map<number, SessdEvent>();
  private lastSeq = 0;

  checkpoint(sessionId: string, seq: number, label: string): void {
    let kept = this.checkpoints.get(sessionId);
    if (kept === undefined) this.checkpoints.set(sessionId, (kept = new Map<number, string>()));
    kept.set(seq, label);
  }

  /** Reads the events published since the last call (a replay from the durable log), in seq order. */
  async readEvents(client: TestClient): Promise<void> {
    const from = client.events.length;
    const { lastSeq } = await client.request(EventsSubscribeRequest, { fromSeq: this.lastSeq + 1 });
    if (lastSeq > this.lastSeq) await client.waitForEvent((e) => e.seq >= lastSeq, from);
    let previous = this.lastSeq;
    for (const event of client.events.slice(from)) {
      if (event.seq > lastSeq) break;
      // Monotonic, never repeated: a refused write may leave a gap, never a repeat.
      expect(event.seq).toBeGreaterThan(previous);
      previous = event.seq;
      this.events.set(event.seq, event);
    }
    this.lastSeq = Math.max(this.lastSeq, lastSeq);
  }

  /**
   * Checks the daemon against every acknowledgement: acknowledged sessions are
   * there (deleted ones are not), with their labels; acknowledged checkpoints and
   * messages are in the store; and every tmux session is adopted, or reported as
   * unmanaged when its create was never acknowledged. Returns what it saw.
   */
  async verify(client: TestClient, tmuxSocket: string): Promise<{ sessions: Session[]; unmanaged: string[]; unacknowledged: number }> {
    await this.readEvents(client);
    const sessions = (await client.request(SessionListRequest, {})).sessions;
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const [id, expected] of this.sessions) {
      if (this.deleted.has(id)) {
        expect(byId.has(id), `deleted session ${id} is back`).toBe(false);
        continue;
      }
      const session = byId.get(id);
      expect(session, `acknowledged session ${id} is missing`).toBeDefined();
      expect(session!.labels).toEqual(expected.labels);
    }
    for (const [id, kept] of this.checkpoints) {
      if (this.deleted.has(id)) continue;
      const listed = await client.request(CheckpointListRequest, { session: id });
      const stored = new Map(listed.checkpoints.map((c) => [c.seq, c.label]));
      for (const [seq, label] of kept) expect(stored.get(seq), `checkpoint ${id}#${seq}`).toBe(label);
    }
    const messages = new Map<string, SessdEvent[]>();
    for (const event of this.events.values()) {
      if (!event.type.startsWith('message.')) continue;
      const id = event.data.id as string;
      messages.set(id, [...(messages.get(id) ?? []), event]);
    }
    // A deleted session's events keep their place but not their payload (purged): its messages are not looked for.
    for (const [id, sessionId] of this.delivered) {
      if (!this.deleted.has(sessionId)) expect(messages.get(id)?.map((e) => e.type), `message ${id}`).toContain('message.delivered');
    }
    for (const [id, sessionId] of this.queued) {
      if (!this.deleted.has(sessionId)) expect(messages.get(id)?.[0]?.type, `queued message ${id}`).toBe('message.queued');
    }
    for (const [sessionId, text] of this.resumePrompts) {
      if (this.deleted.has(sessionId)) continue;
      const queued = [...this.events.values()].find((e) => e.type === 'message.queued' && e.sessionId === sessionId);
      expect(queued?.data.text, `the resume prompt queued for ${sessionId}`).toBe(text);
    }

    // Every live tmux session is adopted; one the store does not know is reported, and never an acknowledged one.
    const status = await client.request(DaemonStatusRequest, {});
    const unmanaged = status.unmanaged.map((u) => u.name);
    const names = (await tmux(tmuxSocket, 'list-sessions', '-F', '#{session_name}')).trim().split('\n').filter((n) => n !== '' && n !== CONTROL_SESSION);
    for (const name of names) {
      const session = byId.get(name);
      if (session === undefined) {
        expect(unmanaged, `tmux session ${name} is neither adopted nor reported`).toContain(name);
        expect(this.sessions.has(name), `acknowledged session ${name} was not adopted`).toBe(false);
      } else {
        expect(['running', 'paused'], `tmux session ${name} is ${session.status}, not adopted`).toContain(session.status);
      }
    }
    const unacknowledged = sessions.filter((s) => !this.sessions.has(s.id)).length;
    return { sessions, unmanaged, unacknowledged };
  }
}
