import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError, Store } from '../../daemon/store/store.js';
import { TranscriptService, type TranscriptLimits } from '../../daemon/transcripts/service.js';
import { capTotal, type Work } from '../../daemon/transcripts/flusher.js';
import { TranscriptStore } from '../../daemon/transcripts/store.js';
import { TapLedger } from '../../daemon/transcripts/tap-ledger.js';
import { utf8Cut } from '../../daemon/transcripts/utf8.js';
import { tempDir } from '../helpers/daemon.js';

const LOG = pino({ level: 'silent' });
const LIMITS: TranscriptLimits = { maxBytes: 1024 * 1024, maxAgeMs: 86_400_000, totalBytes: 1024 ** 3, pendingBytes: 1024 * 1024 };

/** The service over a real LMDB store in a temp dir. */
describe('TranscriptService', () => {
  const open: { service: TranscriptService; store: TranscriptStore }[] = [];
  afterEach(async () => {
    for (const { service, store } of open.splice(0)) {
      await service.flush();
      service.dispose();
      await store.close();
    }
  });

  async function start(limits: Partial<TranscriptLimits> = {}, dir?: string): Promise<{ service: TranscriptService; store: TranscriptStore; dir: string }> {
    const path = dir ?? (await tempDir('transcripts'));
    const store = await TranscriptStore.open(path);
    const service = new TranscriptService(store, { ...LIMITS, ...limits }, LOG);
    open.push({ service, store });
    return { service, store, dir: path };
  }

  async function reopen(t: { service: TranscriptService; store: TranscriptStore; dir: string }): Promise<TranscriptService> {
    await t.service.flush();
    t.service.dispose();
    await t.store.close();
    open.splice(open.findIndex((o) => o.service === t.service), 1);
    return (await start({}, t.dir)).service;
  }

  it('reads back any range, from memory before the flush and from the store after a reopen', async () => {
    const t = await start();
    const parts = ['hello ', 'wörld', '\r\n', 'x'.repeat(200_000)].map((s) => Buffer.from(s));
    for (const part of parts) t.service.append('s1', part);
    const whole = Buffer.concat(parts);
    expect(t.service.read('s1', 0, 10_000_000).bytes.equals(whole)).toBe(true);
    const again = await reopen(t);
    const read = again.read('s1', 3, 9);
    expect(read).toMatchObject({ from: 3, to: 12, end: whole.length });
    expect(read.bytes.equals(whole.subarray(3, 12))).toBe(true);
    expect(again.read('s1', whole.length + 50, 10)).toMatchObject({ from: whole.length, to: whole.length });
  });

  it('keeps the newest bytes within the size bound, and moves a read from dropped bytes up to the oldest kept', async () => {
    const t = await start({ maxBytes: 64 * 1024 });
    for (let i = 0; i < 10; i++) {
      t.service.append('s1', Buffer.alloc(50_000, 97 + i));
      await t.service.flush();
    }
    const read = t.service.read('s1', 0, 10_000_000);
    expect(read.end).toBe(500_000);
    expect(read.from).toBeGreaterThanOrEqual(500_000 - 64 * 1024);
    expect(read.to).toBe(500_000);
    expect(read.bytes.equals(Buffer.alloc(500_000 - read.from).fill(106, read.from < 450_000 ? 450_000 - read.from : 0).fill(105, 0, Math.max(0, 450_000 - read.from)))).toBe(true);
  });

  it('caps all transcripts together: the largest is cut, oldest output first, and a small one keeps everything', async () => {
    const t = await start({ maxBytes: 1024 * 1024, totalBytes: 256 * 1024 });
    for (let i = 0; i < 8; i++) t.service.append('big', Buffer.alloc(50_000, 97 + i));
    t.service.append('small', Buffer.alloc(50_000, 122));
    await t.service.flush();
    const big = t.service.read('big', 0, 10_000_000);
    const small = t.service.read('small', 0, 10_000_000);
    expect(small).toMatchObject({ from: 0, end: 50_000 });
    expect(big.end).toBe(400_000);
    expect(big.from).toBeGreaterThan(0);
    // Cut to what the cap leaves beside the small one, give or take a chunk that goes whole.
    expect(big.end - big.from).toBeLessThanOrEqual(256 * 1024 - 50_000 + 64 * 1024);
    expect(big.end - big.from).toBeGreaterThanOrEqual(256 * 1024 - 50_000 - 64 * 1024);
    expect(big.bytes.subarray(-50_000).every((b) => b === 97 + 7)).toBe(true);
  });

  it('ages out an idle transcript: one with no new output since the daemon started', async () => {
    const t = await start();
    t.service.append('idle', Buffer.alloc(100_000, 97));
    const again = await reopen(t);
    expect(again.read('idle', 0, 10).from).toBe(0);
    // A service that keeps output 1 ms, over the same store, with nothing appended.
    const old = open.at(-1)!;
    old.service.dispose();
    await old.store.close();
    open.pop();
    const { service } = await start({ maxAgeMs: 1 }, t.dir);
    await service.flush();
    expect(service.read('idle', 0, 10)).toMatchObject({ from: 100_000, end: 100_000 });
  });

  it('records input and gaps at the offset where they happened, and a stored input survives a reopen', async () => {
    const t = await start();
    t.service.append('s1', Buffer.from('$ '));
    const stored = t.service.input('s1', 'ls', 'text', true);
    t.service.append('s1', Buffer.from('ls\r\n'));
    t.service.gap('s1', 1234, 'tap');
    await stored;
    const again = await reopen(t);
    expect(again.read('s1', 0, 100).marks).toMatchObject([
      { at: 2, kind: 'input', text: 'ls', via: 'text', submit: true },
      { at: 6, kind: 'gap', bytes: 1234 },
    ]);
  });

  it('shows an input mark its caller stores with its own record (a send) where it was typed, before and after that commit; one not stored there is written by the transcripts', async () => {
    const store = await Store.open(await tempDir('store'));
    try {
      const path = await tempDir('transcripts');
      const transcripts = await TranscriptStore.open(path);
      const service = new TranscriptService(transcripts, LIMITS, LOG, store.inputMarks);
      open.push({ service, store: transcripts });
      service.append('s1', Buffer.from('$ '));
      const sent = service.inputMark('s1', 'ls', 'text', true);
      service.append('s1', Buffer.from('ls\r\n'));
      const failed = service.inputMark('s1', 'pwd', 'text', true);
      const expected = [
        { at: 2, kind: 'input', text: 'ls', via: 'text', submit: true },
        { at: 6, kind: 'input', text: 'pwd', via: 'text', submit: true },
      ];
      expect(service.read('s1', 0, 100).marks).toMatchObject(expected);
      await store.write(() => store.inputMarks.putSync(sent.key, sent.mark));
      service.inputSettled(sent, true);
      service.inputSettled(failed, false);
      expect(service.read('s1', 0, 100).marks).toMatchObject(expected);
      await service.flush();
      expect([...transcripts.marks.getRange()].map((m) => m.value.text)).toEqual(['pwd']);
      service.dispose();
      await transcripts.close();
      open.pop();
      const reopened = await TranscriptStore.open(path);
      const again = new TranscriptService(reopened, LIMITS, LOG, store.inputMarks);
      open.push({ service: again, store: reopened });
      expect(again.read('s1', 0, 100).marks).toMatchObject(expected);
    } finally {
      await store.close();
    }
  });

  it('refuses output beyond the pending bound and records how much it dropped', async () => {
    const t = await start({ pendingBytes: 1000 });
    t.service.append('s1', Buffer.alloc(800, 97));
    t.service.append('s1', Buffer.alloc(800, 98)); // over the bound: dropped
    await t.service.flush();
    t.service.append('s1', Buffer.alloc(10, 99));
    const read = t.service.read('s1', 0, 10_000);
    expect(read.end).toBe(810);
    expect(read.marks).toMatchObject([{ at: 800, kind: 'gap', bytes: 800 }]);
  });

  it('resumes a tap where its stream was received, and remembers stored positions across a reopen', async () => {
    const t = await start();
    expect(t.service.tapResume('s1', 'tap-a', 0, 0)).toBe(0);
    t.service.append('s1', Buffer.from('abc'), { tap: 'tap-a', offset: 8 });
    const acks: [string, string, number][] = [];
    t.service.taps.onStored((...ack) => acks.push(ack));
    // Received but not yet stored: a reconnect resumes after it, so nothing is appended twice.
    expect(t.service.tapResume('s1', 'tap-a', 0, 20)).toBe(8);
    await t.service.flush();
    expect(acks).toEqual([['s1', 'tap-a', 8]]);
    const again = await reopen(t);
    expect(again.tapResume('s1', 'tap-a', 0, 20)).toBe(8);
    // The tap no longer holds what this daemon stored last: the difference is a gap of unknown size.
    expect(again.tapResume('s1', 'tap-a', 12, 20)).toBe(12);
    expect(again.read('s1', 0, 100).marks).toMatchObject([{ at: 3, kind: 'gap', bytes: null }]);
    // A stream never seen starts where the tap's ring starts.
    expect(again.tapResume('s1', 'tap-b', 5, 9)).toBe(5);
  });

  it('turns a refused commit into a StorageError, and storage_error for the input and the delete that waited on it; the output stays readable', async () => {
    const t = await start();
    open.splice(open.findIndex((o) => o.service === t.service), 1);
    t.service.append('s1', Buffer.from('kept in memory'));
    // Flushed once, so the next flush reads nothing before its write (its age check is recent).
    await t.service.flush();
    await t.store.close();
    await expect(t.store.write(() => t.store.meta.putSync('s2', { start: 0, end: 0 }))).rejects.toBeInstanceOf(StorageError);
    t.service.append('s1', Buffer.from(' and more'));
    // Requests that waited on a refused write reply storage_error.
    const storageError = { code: -32010, data: { code: 'storage_error', reason: 'Database is closed' } };
    await expect(t.service.input('s1', 'ls', 'text', true)).rejects.toMatchObject(storageError);
    await expect(t.service.delete('s2')).rejects.toMatchObject(storageError);
    // What was not stored waits in memory for the next flush (a closed store serves no reads, hence past the stored end).
    const pending = t.service.readBytes('s1', 14, 100);
    expect(pending).toMatchObject({ from: 14, to: 23, end: 23 });
    expect(pending.bytes.toString()).toBe(' and more');
    t.service.dispose();
  });

  it('removes a session transcript entirely', async () => {
    const t = await start();
    t.service.append('s1', Buffer.from('gone'));
    t.service.append('s2', Buffer.from('kept'));
    await t.service.flush();
    await t.service.delete('s1');
    const again = await reopen(t);
    expect(again.read('s1', 0, 100)).toMatchObject({ end: 0, to: 0 });
    expect(again.read('s2', 0, 100).bytes.toString()).toBe('kept');
  });
});

describe('TapLedger', () => {
  it('resumes after what was received, acknowledges only what moved, and keeps the most recent streams', () => {
    const ledger = new TapLedger((session) => (session === 's1' ? { old: 40 } : undefined));
    const acks: [string, string, number][] = [];
    ledger.onStored((...ack) => acks.push(ack));
    expect(ledger.resume('s1', 'old', 30, 50)).toEqual({ offset: 40, lost: false });
    expect(ledger.resume('s1', 'old', 45, 50)).toEqual({ offset: 45, lost: true });
    expect(ledger.resume('s1', 'old', 0, 20)).toEqual({ offset: 20, lost: false });
    expect(ledger.hasUnstored('s1')).toBe(false);
    ledger.received('s1', { tap: 'new', offset: 9 });
    expect(ledger.hasUnstored('s1')).toBe(true);
    expect(ledger.resume('s1', 'new', 0, 100)).toEqual({ offset: 9, lost: false });
    const taps = ledger.toStore('s1');
    expect([...taps]).toEqual([['old', 40], ['new', 9]]);
    ledger.stored('s1', taps);
    expect(acks).toEqual([['s1', 'new', 9]]);
    expect(ledger.hasUnstored('s1')).toBe(false);
    for (let i = 0; i < 10; i++) ledger.received('s1', { tap: `t${i}`, offset: i });
    const kept = ledger.toStore('s1');
    expect([...kept.keys()]).toEqual(['t2', 't3', 't4', 't5', 't6', 't7', 't8', 't9']);
    ledger.stored('s1', kept);
    expect(ledger.resume('s1', 'old', 0, 100)).toEqual({ offset: 0, lost: false });
    ledger.forget('s1');
    expect(ledger.resume('s1', 'old', 0, 100)).toEqual({ offset: 40, lost: false });
  });
});

describe('utf8Cut', () => {
  it('never splits a character and never holds back bytes that cannot complete one', () => {
    const text = Buffer.from('a€😀');
    expect(utf8Cut(text)).toBe(text.length);
    for (let cut = 1; cut < text.length; cut++) {
      const at = utf8Cut(text.subarray(0, cut));
      expect(text.subarray(0, at).toString('utf8')).not.toContain('\uFFFD');
    }
    expect(utf8Cut(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(utf8Cut(Buffer.from([0x61, 0xff]))).toBe(2);
  });
});

describe('capTotal', () => {
  const work = (sizes: number[]): Work[] =>
    sizes.map((size, i) => ({ session: `s${i}`, end: 10_000 + size, prune: 10_000 }) as unknown as Work);
  const kept = (w: Work[]): number[] => w.map((x) => x.end - x.prune);

  it('cuts the largest transcripts to a common size so that all fit, and leaves the smaller whole', () => {
    const w = work([100, 300, 600]);
    capTotal(w, 700);
    expect(kept(w)).toEqual([100, 300, 300]);
    const v = work([500, 500, 100]);
    capTotal(v, 601);
    expect(kept(v)).toEqual([250, 250, 100]);
    const u = work([10, 20]);
    capTotal(u, 100);
    expect(kept(u)).toEqual([10, 20]);
    const all = work([400, 400, 400]);
    capTotal(all, 300);
    expect(kept(all)).toEqual([100, 100, 100]);
  });
});
