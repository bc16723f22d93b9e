import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SessionCreateRequest,
  SessionKeysRequest,
  SessionSendRequest,
  SessionTranscriptRequest,
  TranscriptDataNotification,
  TranscriptFollowRequest,
  TranscriptUnfollowRequest,
  type Session,
  type SessionTranscriptResult,
  type TranscriptDataParams,
} from '../../shared/protocol/index.js';
import { content } from '../fixtures/writer.mjs';
import type { TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { ReportServer, type Report } from '../helpers/reporter.js';
import { Wakeable } from '../helpers/wait.js';

const WRITER = resolve(import.meta.dirname, '..', 'fixtures', 'writer.mjs');
const h = useDaemon();

/** Reads a transcript from `from` up to `until` (default: its end), page by page, as bytes. */
async function readAll(client: TestClient, session: string, from = 0, until?: number): Promise<{ bytes: Buffer; reads: SessionTranscriptResult[] }> {
  const parts: Buffer[] = [];
  const reads: SessionTranscriptResult[] = [];
  let at = from;
  for (;;) {
    const r = await client.request(SessionTranscriptRequest, { session, from: at, maxBytes: 1024 * 1024, encoding: 'base64' });
    reads.push(r);
    parts.push(Buffer.from(r.data, 'base64'));
    at = r.to;
    if (r.to >= (until ?? r.end)) return { bytes: Buffer.concat(parts), reads };
  }
}

/** Collects one follower's notifications, checking that each starts where the last ended. */
class Follower {
  readonly parts: Buffer[] = [];
  next: number | undefined;
  received = 0;
  readonly progress = new Wakeable();
  followId = '';
  private readonly subscription;

  constructor(
    private readonly client: TestClient,
    private readonly strict = true,
  ) {
    this.subscription = client.rpc.onNotification(TranscriptDataNotification.method, (p: TranscriptDataParams) => {
      if (p.followId !== this.followId) return;
      if (this.strict && this.next !== undefined) expect(p.from, 'no gap, no duplicate').toBe(this.next);
      const bytes = Buffer.from(p.data, 'utf8');
      this.parts.push(bytes);
      this.next = p.from + bytes.length;
      this.received += bytes.length;
      this.progress.wake();
    });
  }

  async start(session: string, from?: number): Promise<void> {
    this.next = from;
    this.followId = (await this.client.request(TranscriptFollowRequest, { session, ...(from === undefined ? {} : { from }) })).followId;
  }

  until(offset: number): Promise<true> {
    return this.progress.until(() => ((this.next ?? 0) >= offset ? true : undefined), () => `follower at ${this.next}, waiting for ${offset}`);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** A writer of `bytes` bytes that waits for a key before it writes; `go` presses it, then waits for the writing to finish. */
async function writer(client: TestClient, reporter: ReportServer, name: string, bytes: number, seed: number): Promise<{ session: Session; go: () => Promise<{ wrote: Promise<number> }> }> {
  const from = reporter.reports.length;
  const session = await client.request(SessionCreateRequest, { name, command: [process.execPath, WRITER, String(bytes), String(seed), reporter.path, 'go'] });
  const { index } = await reporter.next((r) => r.type === 'ready', from);
  return {
    session,
    go: async () => {
      await client.request(SessionKeysRequest, { session: session.id, keys: ['g'] });
      return { wrote: reporter.next((r) => r.type === 'wrote', index + 1).then(({ report }) => (report as { bytes: number }).bytes) };
    },
  };
}

describe('transcripts', () => {
  it('keep every byte the program wrote, a multi-megabyte burst included, also with nobody attached', async () => {
    const reporter = await ReportServer.start(h.dir);
    const big = 3 * 1024 * 1024 + 17;
    const w = await writer(h.client, reporter, 'burst', big, 7);
    expect(await (await w.go()).wrote).toBe(big);
    // The writer has written everything; the transcript has it once sessd has read it.
    const progress = new Wakeable();
    const follower = new Follower(h.client, false);
    follower.progress.wake = () => progress.wake();
    await follower.start(w.session.id);
    const end = await progress.until(async () => {
      const r = await h.client.request(SessionTranscriptRequest, { session: w.session.id, maxBytes: 1 });
      return r.end >= big ? r.end : undefined;
    }, () => `transcript short of ${big}`);
    follower.dispose();
    expect(end).toBe(big);
    const { bytes, reads } = await readAll(h.client, w.session.id);
    expect(bytes.length).toBe(big);
    expect(bytes.equals(content(big, 7))).toBe(true);
    expect(reads.flatMap((r) => r.marks).filter((m) => m.kind === 'gap')).toEqual([]);
    // Text reads end on whole characters, and together give the same bytes.
    let at = 0;
    const text: Buffer[] = [];
    while (at < big) {
      const r = await h.client.request(SessionTranscriptRequest, { session: w.session.id, from: at, maxBytes: 99_999 });
      expect(r.from).toBe(at);
      text.push(Buffer.from(r.data, 'utf8'));
      at = r.to;
    }
    expect(Buffer.concat(text).equals(bytes)).toBe(true);
    await reporter.close();
  });

  it('stream to a follower from an offset then live; one that reconnects with its last offset gets no gap and no duplicate', async () => {
    const reporter = await ReportServer.start(h.dir);
    const size = 2 * 1024 * 1024;
    const w = await writer(h.client, reporter, 'follow', size, 11);
    const first = await h.connect();
    const a = new Follower(first);
    await a.start(w.session.id, 0);
    const { wrote } = await w.go();
    // Drop the first follower part way through the burst, then resume from its offset.
    await a.progress.until(() => (a.received > 0 ? true : undefined), () => 'no output reached the follower');
    first.close();
    const resumeAt = a.next!;
    const second = await h.connect();
    const b = new Follower(second);
    await b.start(w.session.id, resumeAt);
    expect(await wrote).toBe(size);
    await b.until(size);
    const joined = Buffer.concat([a.bytes(), b.bytes()]);
    expect(joined.length).toBe(size);
    expect(joined.equals(content(size, 11))).toBe(true);
    // Live output after the catch-up arrives too.
    await h.client.request(SessionKeysRequest, { session: w.session.id, keys: ['x'] });
    b.dispose();
    await second.request(TranscriptUnfollowRequest, { followId: b.followId });
    await reporter.close();
  });

  it('record input sent through sessd beside the output, marked as input', async () => {
    const s = await h.createShell({ name: 'typed' });
    // Marks go where the transcript stands when the input is sent: wait on the transcript itself.
    const f = new Follower(h.client, false);
    await f.start(s.id, 0);
    const shows = (text: string): Promise<true> => f.progress.until(() => (f.bytes().toString().includes(text) ? true : undefined), () => `no ${JSON.stringify(text)} in ${JSON.stringify(f.bytes().toString())}`);
    await shows('$ ');
    const before = f.next!;
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo "mark;#{x}"' });
    await shows('mark;#{x}\r\n');
    await h.client.request(SessionKeysRequest, { session: s.id, keys: ['C-c'] });
    await shows('^C');
    f.dispose();
    const r = await h.client.request(SessionTranscriptRequest, { session: s.id, from: before });
    const inputs = r.marks.filter((m) => m.kind === 'input');
    expect(inputs.map((m) => [m.via, m.text, m.submit])).toEqual([
      ['text', 'echo "mark;#{x}"', true],
      ['keys', 'C-c', undefined],
    ]);
    expect(inputs[0]!.at).toBe(before);
    expect(inputs[1]!.at).toBeGreaterThan(before);
    // The output holds the echo and the command's result, after the first mark.
    expect(r.data).toContain('mark;#{x}\r\n');
  });

  it('keep the program running when sessd stops reading: output beyond the buffer is dropped with a recorded gap', async () => {
    const reporter = await ReportServer.start(h.dir);
    const size = 12 * 1024 * 1024;
    const w = await writer(h.client, reporter, 'stalled', size, 3);
    const before = (await h.client.request(SessionTranscriptRequest, { session: w.session.id, maxBytes: 1 })).end;
    // A stopped daemon reads nothing; the writer must still finish.
    await h.client.request(SessionKeysRequest, { session: w.session.id, keys: ['g'] });
    process.kill(h.daemon.pid, 'SIGSTOP');
    let wrote: Report;
    try {
      wrote = (await reporter.next((r) => r.type === 'wrote', 0)).report;
    } finally {
      process.kill(h.daemon.pid, 'SIGCONT');
    }
    expect(wrote).toEqual({ type: 'wrote', bytes: size });
    // Once sessd reads again, the tap sends what it kept and says how much it dropped
    // (gap marks, each logged); wait until the two account for every byte written.
    const progress = new Wakeable();
    const f = new Follower(h.client, false);
    f.progress.wake = () => progress.wake();
    const stopLogs = h.daemon.onLog(() => progress.wake());
    await f.start(w.session.id);
    let seen = '';
    const read = await progress.until(async () => {
      const r = await h.client.request(SessionTranscriptRequest, { session: w.session.id, from: before, maxBytes: 16 * 1024 * 1024, encoding: 'base64' });
      const lost = r.marks.reduce((n, m) => n + (m.kind === 'gap' ? m.bytes! : 0), 0);
      seen = `${r.end - before} bytes kept, ${lost} lost, marks ${JSON.stringify(r.marks)}`;
      return r.end - before + lost >= size ? r : undefined;
    }, () => `the transcript and its gaps do not account for the ${size} bytes written: ${seen}`);
    stopLogs();
    f.dispose();
    // Kept stretches are the writer's bytes at their places; gaps account for the rest.
    const kept = Buffer.from(read.data, 'base64');
    const written = content(size, 3);
    const gaps = read.marks.filter((m) => m.kind === 'gap');
    expect(gaps.length).toBeGreaterThan(0);
    let lost = 0;
    let at = before;
    for (const gap of [...gaps, { at: read.end, bytes: 0 }]) {
      const piece = kept.subarray(at - before, gap.at - before);
      expect(piece.equals(written.subarray(at - before + lost, gap.at - before + lost))).toBe(true);
      lost += gap.bytes!;
      at = gap.at;
    }
    expect(read.end - before + lost).toBe(size);
    await reporter.close();
  });

  it('lose nothing when sessd is killed mid-burst: taps resend what was not stored, and the transcript goes on', async () => {
    const reporter = await ReportServer.start(h.dir);
    const size = 4 * 1024 * 1024;
    const w = await writer(h.client, reporter, 'survivor', size, 5);
    const f = new Follower(h.client);
    await f.start(w.session.id, 0);
    const { wrote } = await w.go();
    await f.progress.until(() => (f.received > 0 ? true : undefined), () => 'no output before the kill');
    await h.daemon.kill9();
    expect(await wrote).toBe(size);
    await h.restart();
    const g = new Follower(h.client);
    await g.start(w.session.id, 0);
    await g.until(size);
    g.dispose();
    const { bytes, reads } = await readAll(h.client, w.session.id);
    expect(reads.at(-1)!.end).toBe(size);
    expect(bytes.equals(content(size, 5))).toBe(true);
    expect(reads.flatMap((r) => r.marks)).toEqual([expect.objectContaining({ kind: 'input', text: 'g' })]);
    await reporter.close();
  });
});
