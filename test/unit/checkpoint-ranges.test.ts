import { open, type RootDatabase } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointRanges } from '../../daemon/sessions/checkpoint-ranges.js';
import { tempDir } from '../helpers/daemon.js';

/** The ranges retention keeps for checkpoints, read from a real LMDB database of checkpoint records. */
describe('CheckpointRanges', () => {
  const roots: RootDatabase[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) await root.close();
  });

  it('lists the ranges of the stored checkpoints, drops a removed one, and keeps a held one until released', async () => {
    const root = open({ path: await tempDir('ranges'), maxDbs: 4, compression: false });
    roots.push(root);
    const db = root.openDB<unknown, [string, number]>({ name: 'checkpoints' });
    const ranges = new CheckpointRanges(db);
    await db.put(['s1', 1], { seq: 1, transcriptRange: { from: 0, to: 100 } });
    await db.put(['s1', 2], { seq: 2, scrollback: 'text: no range' });
    await db.put(['s1', 3], { garbage: true, transcriptRange: { from: 50, to: 300 } });
    await db.put(['s2', 1], { seq: 1, transcriptRange: { from: 7, to: 9 } });
    expect(ranges.of('s1')).toEqual([{ from: 0, to: 100 }, { from: 50, to: 300 }]);
    expect(ranges.of('s2')).toEqual([{ from: 7, to: 9 }]);

    // Removed by any path (here: straight from the database): no longer kept.
    await db.remove(['s1', 1]);
    expect(ranges.of('s1')).toEqual([{ from: 50, to: 300 }]);
    await db.remove(['s1', 2]);
    await db.remove(['s1', 3]);
    expect(ranges.of('s1')).toEqual([]);

    const release = ranges.hold('s1', { from: 300, to: 400 });
    expect(ranges.of('s1')).toEqual([{ from: 300, to: 400 }]);
    await db.put(['s1', 4], { seq: 4, transcriptRange: { from: 300, to: 400 } });
    release();
    expect(ranges.of('s1')).toEqual([{ from: 300, to: 400 }]);
  });
});
