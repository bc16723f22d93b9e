import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { open as openLmdb } from 'lmdb';
import { BenchDaemon, guard, RawTmux } from './env.js';
import { newSessionUntilOutput, untilTranscript, watchTranscript } from './follow.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, elapsed } from './measure.js';

/** Prints a marker unique to this run of the program, then waits. */
const STARTS = ['sh', '-c', 'echo "READY-$$"; exec sleep 100000'];

/**
 * Checkpoint latency, restore latency (request to the program's first output), and
 * how fast sessions are seen crashed when the tmux server dies; each against its
 * baseline, taking turns, in the same run. (Pane throughput with transcript capture
 * on is the `throughput` suite.)
 */
export async function durability(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const runs = options.quick ? 3 : 10;
  const daemon = await BenchDaemon.start(dir, 'limits:\n  checkpoints: 1000\n');
  const raw = await RawTmux.start(dir);
  const { client } = daemon;
  const figures: Figure[] = [];
  try {
    // -- checkpoint: a session with 5,000 lines of history, against lmdb alone ------
    const history = ['sh', '-c', 'seq 1 5000; echo HISTORY-DONE; exec sleep 100000'];
    const s = await client.session.create({ name: 'history', command: history, cwd: dir });
    await untilTranscript(daemon, s.id, 'HISTORY-DONE');
    const first = await client.session.checkpoint({ session: s.id, label: 'bench' });
    const scrollback = (await client.checkpoint.get({ session: s.id, seq: first.seq })).scrollback ?? '';
    // The store's own options (daemon/store/store.ts): a put resolves once it is synced.
    await mkdir(join(dir, 'lmdb'));
    const env = openLmdb({ path: join(dir, 'lmdb'), overlappingSync: false, maxDbs: 16, compression: false });
    const db = env.openDB<string, [string, number]>({ name: 'checkpoints' });
    try {
      const checkpoint = await abab(
        runs,
        () => elapsed(() => client.session.checkpoint({ session: s.id, label: 'bench' })),
        (i) => elapsed(() => db.put(['bench', i], scrollback)),
        1,
      );
      const kib = Math.round(Buffer.byteLength(scrollback) / 1024);
      figures.push({ name: 'session/checkpoint, durable (5,000 lines of history)', unit: 'ms', sessd: checkpoint.a, baseline: { name: `bare lmdb durable put of the same ${kib} KiB`, values: checkpoint.b } });
    } finally {
      await env.close();
    }

    // -- restore: request to the restored program's first output -----------------
    const r = await client.session.create({ name: 'restored', command: STARTS, cwd: dir });
    await untilTranscript(daemon, r.id, 'READY-');
    await client.session.checkpoint({ session: r.id });
    const restore = await abab(
      runs,
      async () => {
        // Stopped outside the timing: only the restore is measured.
        await client.session.stop({ session: r.id, force: true });
        const watch = await watchTranscript(daemon, r.id, 'READY-', { after: 'restored from checkpoint' });
        try {
          return await elapsed(async () => {
            await client.session.restore({ session: r.id });
            await watch.seen;
          });
        } finally {
          await watch.dispose();
        }
      },
      (i) => newSessionUntilOutput(raw.socket, `started-${i}`, STARTS, 'READY-'),
      1,
    );
    figures.push({ name: 'session/restore until the first output', unit: 'ms', sessd: restore.a, baseline: { name: 'tmux -C new-session (a process) to first %output', values: restore.b } });

    // -- crash detection: the tmux server dies with 10 sessions ------------------
    for (let i = 0; i < 10; i++) await client.session.create({ command: ['sleep', '100000'], cwd: dir });
    const live = (await client.session.list({ status: ['running'] })).sessions.length;
    let seen = 0;
    let allCrashed = (): void => undefined;
    const crashed = new Promise<void>((resolve) => (allCrashed = resolve));
    const subscription = await client.subscribe({ types: ['session.status'] }, (event) => {
      if (event.data.status === 'crashed' && ++seen === live) allCrashed();
    });
    const status = await client.daemon.status();
    const killed = performance.now();
    process.kill(status.tmux.serverPid!, 'SIGKILL');
    await guard(crashed, 'sessions to be recorded crashed');
    await subscription.dispose();
    figures.push({ name: `tmux server killed, ${live} sessions recorded crashed`, unit: 'ms', sessd: [performance.now() - killed] });
  } finally {
    await raw.close();
    await daemon.close();
  }
  return figures;
}
