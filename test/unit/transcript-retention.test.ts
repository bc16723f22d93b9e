import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ByteRange } from '../../daemon/transcripts/retention.js';
import { TranscriptService, type TranscriptLimits } from '../../daemon/transcripts/service.js';
import { TranscriptStore } from '../../daemon/transcripts/store.js';
import { tempDir } from '../helpers/daemon.js';

const LOG = pino({ level: 'silent' });
const LIMITS: TranscriptLimits = { maxBytes: 1024 * 1024, maxAgeMs: 86_400_000, totalBytes: 1024 ** 3, pendingBytes: 1024 * 1024 };

/** Ranges a checkpoint keeps, over a real LMDB store in a temp dir. */
describe('retained transcript ranges', () => {
  const open: { service: TranscriptService; store: TranscriptStore }[] = [];
  afterEach(async () => {
    for (const { service, store } of open.splice(0)) {
      await service.flush();
      service.dispose();
      await store.close();
    }
  });

  async function start(dir: string, limits: Partial<TranscriptLimits>, retained: ByteRange[]): Promise<{ service: TranscriptService; store: TranscriptStore }> {
    const store = await TranscriptStore.open(dir);
    const service = new TranscriptService(store, { ...LIMITS, ...limits }, LOG);
    service.retain(() => retained);
    open.push({ service, store });
    return { service, store };
  }

  async function close(): Promise<void> {
    const { service, store } = open.pop()!;
    await service.flush();
    service.dispose();
    await store.close();
  }

  it('keeps a retained range past the size bound, readable whole, and drops it at the next prune once released', async () => {
    const retained: ByteRange[] = [{ from: 0, to: 50_000 }];
    const { service } = await start(await tempDir('retention'), { maxBytes: 64 * 1024 }, retained);
    for (let i = 0; i < 10; i++) {
      service.append('s1', Buffer.alloc(50_000, 97 + i));
      await service.flush();
    }
    // Reads see retention's bound; the range is there beside it.
    expect(service.read('s1', 0, 10).from).toBeGreaterThanOrEqual(500_000 - 64 * 1024);
    expect(service.readKept('s1', { from: 0, to: 50_000 })?.equals(Buffer.alloc(50_000, 97))).toBe(true);
    expect(service.readKept('s1', { from: 10_000, to: 20_000 })?.equals(Buffer.alloc(10_000, 97))).toBe(true);
    // Bytes nobody retained are gone, and a range reaching into them is not there.
    expect(service.readKept('s1', { from: 100_000, to: 150_000 })).toBeNull();
    expect(service.readKept('s1', { from: 0, to: 100_000 })).toBeNull();
    // Pending output counts as kept.
    service.append('s1', Buffer.alloc(1000, 122));
    expect(service.readKept('s1', { from: 499_000, to: 501_000 })?.toString()).toBe('j'.repeat(1000) + 'z'.repeat(1000));

    retained.splice(0);
    service.append('s1', Buffer.alloc(50_000, 120));
    await service.flush();
    expect(service.readKept('s1', { from: 0, to: 50_000 })).toBeNull();
  });

  it('keeps a retained range of an idle transcript past its age, and sweeps it at the next age check once released', async () => {
    const dir = await tempDir('retention');
    const first = await start(dir, {}, []);
    first.service.append('idle', Buffer.alloc(100_000, 97));
    first.service.append('idle', Buffer.alloc(100_000, 98));
    await close();
    // Output kept 1 ms: all of it aged out but the range (the first flush checks age).
    const retained: ByteRange[] = [{ from: 150_000, to: 160_000 }];
    const aged = await start(dir, { maxAgeMs: 1 }, retained);
    await aged.service.flush();
    expect(aged.service.read('idle', 0, 10)).toMatchObject({ from: 200_000, end: 200_000 });
    expect(aged.service.readKept('idle', { from: 150_000, to: 160_000 })?.equals(Buffer.alloc(10_000, 98))).toBe(true);
    await close();
    // Kept across a restart while retained; swept once not.
    const again = await start(dir, { maxAgeMs: 1 }, retained);
    await again.service.flush();
    expect(again.service.readKept('idle', { from: 150_000, to: 160_000 })).not.toBeNull();
    retained.splice(0);
    await close();
    const released = await start(dir, { maxAgeMs: 1 }, retained);
    await released.service.flush();
    expect(released.service.readKept('idle', { from: 150_000, to: 160_000 })).toBeNull();
    expect([...released.store.chunks.getKeys({ start: ['idle', 0], end: ['idle', Number.MAX_SAFE_INTEGER] })]).toEqual([]);
  });
});
