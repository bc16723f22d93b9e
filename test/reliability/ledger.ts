import { expect } from 'vitest';
import {
  CheckpointListRequest,
  DaemonStatusRequest,
  EventsSubscribeRequest,
  SessionListRequest,
  SessionTranscriptRequest,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { tmux } from '../helpers/daemon.js';
import { EVENT_TIMEOUT_MS } from '../helpers/wait.js';

/**
 * How often a transcript is read again while its tap sends again what the killed
 * daemon had not stored (nothing announces that it is done; the tap retries every 250 ms).
 */
const RESEND_RECHECK_MS = 50;

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
  /** Texts acknowledged as typed (`when: now`), per session: each has its input mark in the transcript. */
  readonly sent = new Map<string, string[]>();
  /** Every event read so far, by seq. */
  readonly events = new Map<number, SessdEvent>();
  /** Events received live (published) before a kill, not yet checked against the log. */
  private live = new Map<number, SessdEvent>();
  private lastSeq = 0;

  /** A send acknowledged: its message and its input mark are on disk. */
  typed(sessionId: string, text: string): void {
    this.sent.set(sessionId, [...(this.sent.get(sessionId) ?? []), text]);
  }

  /** Events a client received live: published, so in the log after any restart, the same under the same seq. */
  sawLive(events: readonly SessdEvent[]): void {
    for (const event of events) this.live.set(event.seq, event);
  }

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
    // A seq once published is never reused: what was seen live is what the log holds.
    for (const [seq, event] of this.live) expect(this.events.get(seq), `event ${seq} seen live`).toEqual(event);
    this.live.clear();
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
    for (const [sessionId, texts] of this.sent) {
      if (this.deleted.has(sessionId)) continue;
      // The mark is stored with its message, at the offset where the output stood; the
      // output before it may still be in the session's tap, sent again to this daemon.
      const deadline = Date.now() + EVENT_TIMEOUT_MS;
      let inputs: (string | undefined)[] = [];
      for (;;) {
        inputs = (await this.marks(client, sessionId)).filter((m) => m.kind === 'input').map((m) => m.text);
        if (texts.every((t) => inputs.includes(t)) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, RESEND_RECHECK_MS));
      }
      for (const text of texts) expect(inputs, `the input mark of "${text}" in ${sessionId}'s transcript`).toContain(text);
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

  /** Every mark of a session's transcript. */
  private async marks(client: TestClient, session: string): Promise<{ kind: string; text?: string | undefined }[]> {
    const marks: { kind: string; text?: string | undefined }[] = [];
    for (let from = 0; ; ) {
      const read = await client.request(SessionTranscriptRequest, { session, from });
      marks.push(...read.marks.filter((m) => m.at >= from && (m.at < read.to || read.to >= read.end)));
      if (read.to >= read.end) return marks;
      from = read.to;
    }
  }
}
