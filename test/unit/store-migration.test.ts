import { open, type Key } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Store } from '../../daemon/store/store.js';
import { tempDir } from '../helpers/daemon.js';
import { writeVersion1Store } from '../helpers/store-v1.js';

/** Real LMDB in a temp dir: a store written with version 1's layout, opened by this sessd. */
describe('Store migration from schema 1', () => {
  it('keeps every session, checkpoint, message and interaction under the new keys', async () => {
    const dir = await tempDir('mig');
    const v1 = await writeVersion1Store(dir, 12, 5);
    const store = await Store.open(dir);
    try {
      expect(SCHEMA_VERSION).toBe(2);
      expect(store.root.get('schemaVersion')).toBe(2);
      for (const s of v1.sessions) expect(store.sessions.get(s.id)).toEqual(s);
      for (const c of v1.checkpoints) expect(store.checkpoints.get([c.sessionId as string, c.seq as number])).toEqual(c);
      for (const m of v1.messages) expect(store.messages.get(m.id)).toEqual(m);
      for (const i of v1.interactions) expect(store.interactions.get(i.id)).toEqual(i);
      for (const s of v1.sessions) {
        expect(store.messages.of(s.id)).toEqual(v1.messages.filter((m) => m.sessionId === s.id));
        expect(store.interactions.of(s.id)).toEqual(v1.interactions.filter((i) => i.sessionId === s.id));
      }
      expect(store.messages.all()).toHaveLength(v1.messages.length);
      expect(store.interactions.all()).toHaveLength(v1.interactions.length);
      // Keyed by [session id, id] in the databases themselves; version 1's names are gone.
      const raw = (name: string): unknown[] => [...store.root.openDB<unknown, Key>({ name }).getKeys()];
      expect(raw('messages')).toEqual(v1.messages.map((m) => [m.sessionId, m.id]));
      expect(raw('interactions')).toEqual(v1.interactions.map((i) => [i.sessionId, i.id]));
      expect([...store.root.getKeys()]).not.toContain('names');
    } finally {
      await store.close();
    }
  });

  it('is idempotent: a migrated store opens again unchanged', async () => {
    const dir = await tempDir('mig');
    const v1 = await writeVersion1Store(dir, 3, 4);
    await (await Store.open(dir)).close();
    const store = await Store.open(dir);
    try {
      expect(store.root.get('schemaVersion')).toBe(SCHEMA_VERSION);
      expect(store.messages.all()).toEqual(v1.messages);
      expect(store.interactions.all()).toEqual(v1.interactions);
    } finally {
      await store.close();
    }
  });

  it('leaves a record without a session where it was (nothing is lost)', async () => {
    const dir = await tempDir('mig');
    await writeVersion1Store(dir, 1, 1);
    const raw = open({ path: dir, overlappingSync: false, maxDbs: 16, compression: false });
    await raw.openDB<unknown, string>({ name: 'messages' }).put('mdamaged', { id: 'mdamaged', text: 'no session' });
    await raw.close();
    const store = await Store.open(dir);
    try {
      expect(store.messages.all()).toContainEqual({ id: 'mdamaged', text: 'no session' });
      expect(store.messages.all()).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('removes a session with its records by range, leaving its neighbours', async () => {
    const dir = await tempDir('mig');
    const v1 = await writeVersion1Store(dir, 3, 3);
    const store = await Store.open(dir);
    try {
      const [, gone, kept] = v1.sessions;
      await store.write(() => store.removeSessionSync(gone!.id));
      expect(store.sessions.get(gone!.id)).toBeUndefined();
      expect(store.messages.of(gone!.id)).toEqual([]);
      expect(store.interactions.of(gone!.id)).toEqual([]);
      expect([...store.checkpoints.getKeys({ start: [gone!.id, 0], end: [gone!.id, Number.MAX_SAFE_INTEGER] })]).toEqual([]);
      for (const m of v1.messages.filter((m) => m.sessionId === gone!.id)) expect(store.messages.get(m.id)).toBeUndefined();
      for (const i of v1.interactions.filter((i) => i.sessionId === gone!.id)) expect(store.interactions.get(i.id)).toBeUndefined();
      expect(store.messages.of(kept!.id)).toHaveLength(3);
      expect(store.interactions.of(kept!.id)).toHaveLength(3);
      expect(store.messages.all()).toHaveLength(6);
      expect(store.checkpoints.getKeys().asArray).toHaveLength(6);
      // Its events keep their place in the log (no gap for a client resuming), not their payload.
      expect([...store.events.getRange()].map(({ value }) => [value.sessionId, value.data])).toEqual([
        [v1.sessions[0]!.id, { name: 'n0', env: { EDITOR: 'vim' } }],
        [gone!.id, { purged: true }],
        [kept!.id, { name: 'n2', env: { EDITOR: 'vim' } }],
        [null, {}],
      ]);
    } finally {
      await store.close();
    }
  });
});
