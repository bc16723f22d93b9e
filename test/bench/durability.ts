import { open, writeFile } from 'node:fs/promises';
import { watch } from 'node:fs';
import { join } from 'node:path';
import { TranscriptDataNotification } from '../../shared/protocol/index.js';
import { BenchDaemon, guard, RawTmux } from './env.js';
import type { Figure, SuiteOptions } from './main.js';

/** Prints a marker unique to this run of the program, then waits. */
const STARTS = ['sh', '-c', 'echo "READY-$$"; exec sleep 100000'];

/** Writes BYTES of short lines once a line is typed, then a marker, then waits. */
function writer(bytes: number): string[] {
  return ['sh', '-c', `stty -echo; read go; yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c ${bytes}; echo; echo WROTE-ALL; exec sleep 100000`];
}

/** `n` timings of `fn`, in ms. */
async function time(n: number, fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Checkpoint latency, restore latency (request to the program's first output),
 * transcript ingestion throughput, and how fast sessions are seen crashed when the
 * tmux server dies; against raw tmux doing the same job in the same run.
 */
export async function durability(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const runs = options.quick ? 3 : 10;
  const daemon = await BenchDaemon.start(dir, 'limits:\n  checkpoints: 1000\n');
  const raw = await RawTmux.start(dir);
  const { client } = daemon;
  const figures: Figure[] = [];
  try {
    // -- checkpoint: a session with 5,000 lines of history ---------------------
    const history = ['sh', '-c', 'seq 1 5000; echo HISTORY-DONE; exec sleep 100000'];
    const s = await client.session.create({ name: 'history', command: history, cwd: dir });
    await untilTranscript(daemon, s.id, 'HISTORY-DONE');
    await raw.run(['new-window', '-d', '-n', 'history', '--', ...history]);
    await raw.run(['wait-for', '-L', 'x']).then(() => raw.run(['wait-for', '-U', 'x'])); // a round trip: the window exists
    const saved = join(dir, 'capture.txt');
    const checkpoint = await time(runs, async () => {
      await client.session.checkpoint({ session: s.id, label: 'bench' });
    });
    const capture = await time(runs, async () => {
      const lines = await raw.run(['capture-pane', '-p', '-J', '-S', '-', '-t', 'bench-raw:history']);
      const file = await open(saved, 'w');
      await file.writeFile(lines.join('\n'));
      await file.sync();
      await file.close();
    });
    figures.push({ name: 'checkpoint (5,000 lines of history)', unit: 'ms', sessd: checkpoint, baseline: { name: 'tmux capture-pane + fsync', values: capture } });

    // -- restore: request to the restored program's first output -----------------
    const r = await client.session.create({ name: 'restored', command: STARTS, cwd: dir });
    await untilTranscript(daemon, r.id, 'READY-');
    await client.session.checkpoint({ session: r.id });
    const restore = await time(runs, async () => {
      await client.session.stop({ session: r.id, force: true });
      const shown = untilTranscript(daemon, r.id, 'READY-', 'restored from checkpoint');
      await client.session.restore({ session: r.id });
      await shown;
    });
    const start = await time(runs, async () => {
      const shown = raw.outputWith('READY-');
      await raw.run(['new-window', '-d', '--', ...STARTS]);
      await shown;
    });
    figures.push({ name: 'restore, request to first output', unit: 'ms', sessd: restore, baseline: { name: 'tmux new-window to first %output', values: start } });

    // -- transcript ingestion ----------------------------------------------------
    const bytes = (options.quick ? 8 : 32) * 1024 * 1024;
    const rounds = options.quick ? 1 : 3;
    const ingest: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const w = await client.session.create({ command: writer(bytes), cwd: dir });
      const done = untilTranscript(daemon, w.id, 'WROTE-ALL');
      const begin = performance.now();
      await client.session.send({ session: w.id, text: 'go' });
      await done;
      ingest.push(performance.now() - begin);
      await client.session.delete({ session: w.id, force: true });
    }
    const piped: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const file = join(dir, `pipe-${i}.txt`);
      await writeFile(file, '');
      const [pane] = await raw.run(['new-window', '-d', '-P', '-F', '#{pane_id}', '--', ...writer(bytes)]);
      await raw.run(['pipe-pane', '-O', '-t', pane!, `exec cat >> ${file}`]);
      const done = fileEndsWith(file, 'WROTE-ALL');
      const begin = performance.now();
      await raw.run(['send-keys', '-t', pane!, 'go', 'Enter']);
      await done;
      piped.push(performance.now() - begin);
      await raw.run(['kill-pane', '-t', pane!]);
    }
    const mib = bytes / 1024 / 1024;
    figures.push({
      name: `transcript ingestion (${mib} MiB)`,
      unit: 'MiB/s',
      sessd: ingest.map((ms) => mib / (ms / 1000)),
      baseline: { name: 'tmux pipe-pane to a file', values: piped.map((ms) => mib / (ms / 1000)) },
    });

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

/**
 * Resolves once the session's transcript shows `marker` (after `after`, when given),
 * following it from its current end (from its start when there is no `after`).
 * Only a tail of the text is kept, so a long stream costs no more than its length.
 */
async function untilTranscript(daemon: BenchDaemon, session: string, marker: string, after?: string): Promise<void> {
  const { client } = daemon;
  let tail = '';
  let passed = after === undefined;
  let off = (): void => undefined;
  // Data can arrive before the follow's reply names its id: hold it until then.
  const early: { followId: string; data: string }[] = [];
  let followId: string | undefined = undefined;
  let consume = (data: string): void => void data;
  const seen = new Promise<void>((resolve) => {
    consume = (data: string): void => {
      tail += data;
      if (!passed) {
        const at = tail.indexOf(after!);
        if (at === -1) {
          tail = tail.slice(-after!.length);
          return;
        }
        passed = true;
        tail = tail.slice(at + after!.length);
      }
      if (tail.includes(marker)) resolve();
      else tail = tail.slice(-marker.length);
    };
    off = client.on(TranscriptDataNotification, (p) => {
      if (followId === undefined) early.push(p);
      else if (p.followId === followId) consume(p.data);
    });
  });
  const from = after === undefined ? 0 : (await client.session.transcript({ session, maxBytes: 1 })).end;
  followId = (await client.transcript.follow({ session, from })).followId;
  for (const p of early) if (p.followId === followId) consume(p.data);
  try {
    await guard(seen, `${marker} in the transcript of ${session}`);
  } finally {
    off();
    await client.transcript.unfollow({ followId });
  }
}

/** Resolves once `file` ends with `marker` (and a newline): checked on every change inotify reports. */
function fileEndsWith(file: string, marker: string): Promise<void> {
  return guard(
    new Promise((resolve) => {
      const check = async (): Promise<void> => {
        const handle = await open(file, 'r');
        try {
          const { size } = await handle.stat();
          const buf = Buffer.alloc(Math.min(size, marker.length + 2));
          await handle.read(buf, 0, buf.length, size - buf.length);
          if (buf.toString().includes(marker)) {
            watcher.close();
            resolve();
          }
        } finally {
          await handle.close();
        }
      };
      const watcher = watch(file, () => void check());
      void check();
    }),
    `${marker} in ${file}`,
  );
}
