import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { open, type Key } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Store } from '../../daemon/store/store.js';
import { tempDir } from '../helpers/daemon.js';
import { writeVersion1Store } from '../helpers/store-v1.js';

const run = promisify(execFile);
const WRITES = 60;
const hasStrace = await run('strace', ['-V']).then(
  () => true,
  () => false,
);
if (!hasStrace) console.log('durability: skipped, strace is not installed (apt-get install strace)');

/**
 * Counts acknowledgements made while a commit was not yet on disk. LMDB commits by
 * writing a 128-byte meta page: through an O_DSYNC descriptor that write is durable
 * when it returns; through an ordinary one it is durable only after the next
 * fdatasync. An acknowledgement (the fixture's `ACK n` on stdout) while such a meta
 * write is unsynced acknowledged a write that a power cut could lose.
 */
function unsyncedAcks(trace: string): { acks: number; unsynced: number } {
  const dataFds = new Set<number>();
  const dsyncFds = new Set<number>();
  let pendingMeta = false;
  let acks = 0;
  let unsynced = 0;
  for (const line of trace.split('\n')) {
    const opened = /openat\(AT_FDCWD, "[^"]*data\.mdb", ([A-Z_|]+).*= (\d+)$/.exec(line);
    if (opened !== null) {
      dataFds.add(Number(opened[2]));
      if (opened[1]!.includes('O_DSYNC')) dsyncFds.add(Number(opened[2]));
      continue;
    }
    const meta = /pwrite64\((\d+), .*, 128, \d+\) = 128$/.exec(line);
    if (meta !== null && dataFds.has(Number(meta[1])) && !dsyncFds.has(Number(meta[1]))) pendingMeta = true;
    else if (/(fdatasync|fsync)\(\d+\)\s+= 0$/.test(line) || /<\.\.\. (fdatasync|fsync) resumed>.*= 0$/.test(line)) pendingMeta = false;
    else if (/write\(1, "ACK \d+/.test(line)) {
      acks++;
      if (pendingMeta) unsynced++;
    }
  }
  return { acks, unsynced };
}

describe.skipIf(!hasStrace)('store durability', () => {
  it('has every commit on disk before the write is acknowledged, also with writes in flight together', async () => {
    const dir = await tempDir('dur');
    const trace = join(dir, 'trace');
    await run('strace', [
      '-f', '-qq', '-e', 'trace=openat,pwrite64,write,fdatasync,fsync', '-o', trace,
      process.execPath, resolve(import.meta.dirname, '../fixtures/durable-writes.mjs'), join(dir, 'store'), String(WRITES),
    ]);
    expect(unsyncedAcks(await readFile(trace, 'utf8'))).toEqual({ acks: WRITES, unsynced: 0 });
  });
});

describe('store migration', () => {
  it('leaves a store killed mid-migration at schema 1, whole, and migrates it on the next open', async () => {
    const dir = await tempDir('mig');
    const v1 = await writeVersion1Store(dir, 4, 5);
    const died = await run(process.execPath, [resolve(import.meta.dirname, '../fixtures/migrate-then-die.mjs'), dir, String(v1.messages.length + 3)]).then(
      () => null,
      (error: { signal?: string }) => error.signal,
    );
    expect(died).toBe('SIGKILL');
    const raw = open({ path: dir, overlappingSync: false, maxDbs: 16, compression: false });
    expect(raw.get('schemaVersion')).toBe(1);
    expect([...raw.openDB<unknown, Key>({ name: 'messages' }).getKeys()]).toEqual(v1.messages.map((m) => m.id));
    expect([...raw.openDB<unknown, Key>({ name: 'interactions' }).getKeys()]).toEqual(v1.interactions.map((i) => i.id));
    expect([...raw.getKeys()]).toContain('names');
    await raw.close();
    const store = await Store.open(dir);
    try {
      expect(store.root.get('schemaVersion')).toBe(SCHEMA_VERSION);
      expect(store.messages.all()).toEqual(v1.messages);
      expect(store.interactions.all()).toEqual(v1.interactions);
    } finally {
      await store.close();
    }
  });
});
