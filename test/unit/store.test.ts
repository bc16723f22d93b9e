import { rm } from 'node:fs/promises';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../daemon/events/event-log.js';
import { Committer } from '../../daemon/sessions/commit.js';
import { SessionRegistry } from '../../daemon/sessions/registry.js';
import { SCHEMA_VERSION, Store } from '../../daemon/store/store.js';
import type { SessdEvent, Session } from '../../shared/protocol/model.js';
import { tempDir } from '../helpers/daemon.js';

/** Real LMDB in a temp dir: the store's promises are what replies rely on. */
describe('Store', () => {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  async function openStore(dir?: string): Promise<{ store: Store; dir: string }> {
    const path = dir ?? (await tempDir('store'));
    const store = await Store.open(path);
    opened.push(store);
    return { store, dir: path };
  }

  it('writes a schema version and refuses a store from a newer sessd', async () => {
    const { store, dir } = await openStore();
    expect(store.root.get('schemaVersion')).toBe(SCHEMA_VERSION);
    await store.close();
    opened.length = 0;
    const raw = open({ path: dir });
    await raw.put('schemaVersion', SCHEMA_VERSION + 1);
    await raw.close();
    await expect(Store.open(dir)).rejects.toThrow(/newer than this sessd reads/);
    await rm(dir, { recursive: true });
  });

  it('keeps data across a reopen', async () => {
    const { store, dir } = await openStore();
    await store.write(() => store.sessions.putSync('s0000001', { id: 's0000001', name: 'api' } as Session));
    await store.close();
    opened.length = 0;
    const { store: again } = await openStore(dir);
    expect(again.sessions.get('s0000001')?.name).toBe('api');
  });

  it('group commit: concurrent commits, each issued in its own event turn, share synced transactions; one after another, each has its own', async () => {
    const { store, dir } = await openStore();
    const committer = new Committer(store, new SessionRegistry(), new EventLog(store, 1000));
    const session = (i: number): Session => ({ id: `s${String(i).padStart(7, '0')}`, name: `n${i}` }) as Session;
    const commit = (i: number): Promise<unknown> => committer.commit({ put: [session(i)], events: [{ type: 'session.created', sessionId: session(i).id, data: {} }] });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    // Waited for one by one: a synced commit each (what the count counts).
    let before = store.syncedCommits();
    for (let i = 0; i < 5; i++) await commit(i);
    expect(store.syncedCommits() - before).toBe(5);

    // Issued while the writer is busy syncing a large write: they queue behind it and go
    // in together, however many turns apart they were issued.
    const COMMITS = 40;
    before = store.syncedCommits();
    const ballast = store.write(() => store.root.putSync('ballast', Buffer.alloc(8 << 20, 1)));
    const pending: Promise<unknown>[] = [];
    for (let i = 100; i < 100 + COMMITS; i++) {
      await turn();
      pending.push(commit(i));
    }
    await Promise.all([ballast, ...pending]);
    const syncs = store.syncedCommits() - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThan(COMMITS / 2);

    // Each resolved only once committed: all there after a reopen.
    await store.close();
    opened.length = 0;
    const { store: again } = await openStore(dir);
    for (let i = 100; i < 100 + COMMITS; i++) expect(again.sessions.get(session(i).id)?.name).toBe(`n${i}`);
  });
});

describe('EventLog', () => {
  it('assigns increasing seqs, releases in order, skips failed writes, and prunes to its bound', async () => {
    const store = await Store.open(await tempDir('events'));
    try {
      const log = new EventLog(store, 100);
      const released: number[] = [];
      log.onEvent((e) => released.push(e.seq));
      const a = log.stamp([{ type: 'session.created', sessionId: 'x', data: {} }]);
      const b = log.stamp([{ type: 'session.status', sessionId: 'x', data: {} }, { type: 'session.deleted', sessionId: 'x', data: {} }]);
      const c = log.stamp([{ type: 'session.created', sessionId: 'y', data: {} }]);
      expect([...a, ...b, ...c].map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      // Settled out of order: nothing is released until seq 1 is settled; a failed write leaves a gap.
      await store.write(() => log.put(c));
      log.settle(c, true);
      log.settle(b, false);
      expect(released).toEqual([]);
      await store.write(() => log.put(a));
      log.settle(a, true);
      expect(released).toEqual([1, 4]);
      expect(log.lastPublishedSeq).toBe(4);
      expect(log.read(1, 4, 10).map((e: SessdEvent) => e.seq)).toEqual([1, 4]);

      for (let i = 0; i < 150; i++) {
        const events = log.stamp([{ type: 'session.updated', sessionId: 'x', data: { i } }]);
        await store.write(() => log.put(events));
        log.settle(events, true);
      }
      // The prune runs after the write that crossed the bound; the next write waits behind it.
      await store.write(() => undefined);
      expect(log.oldestSeq).toBeGreaterThan(4);
      expect(log.read(0, log.lastPublishedSeq, 1000).length).toBeLessThanOrEqual(110);
      const reopened = new EventLog(store, 100);
      expect(reopened.lastPublishedSeq).toBe(154);
      expect(reopened.stamp([{ type: 'session.created', sessionId: 'z', data: {} }])[0]!.seq).toBe(155);
    } finally {
      await store.close();
    }
  });
});
