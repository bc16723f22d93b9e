import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DaemonMetricsRequest } from '../../shared/protocol/index.js';
import { BenchDaemon, RawTmux } from './env.js';
import { transcriptEnd, untilTranscript } from './follow.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, cpuSeconds, exec, tmux } from './measure.js';

const MIB = 1024 * 1024;
/** The workload: 100 MiB of text (--quick: 8 MiB). */
const BYTES = 100 * MIB;
const QUICK_BYTES = 8 * MIB;
/** How far before the transcript's end to follow it from, once the writer is done: past the marker's line. */
const TAIL_BYTES = 4096;
/** The writer's line: 36 characters and a newline, which the pane's terminal turns into CR LF. */
const LINE = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Once `go` is written to the `go` fifo, writes BYTES of short lines to the pane, then
 * a marker, then tells the `done` fifo. Fifos rather than typing or a watching client:
 * the start and the end are seen the same way in sessd and in raw tmux, and nothing
 * but what is measured reads the pane.
 */
function writer(bytes: number, go: string, done: string): string[] {
  return ['sh', '-c', `read go < ${go}; yes ${LINE} | head -c ${bytes}; echo; echo WROTE-ALL; echo done > ${done}; exec sleep 100000`];
}

/**
 * ms from `go` to the writer's `done` (every byte went through the pane's terminal,
 * less what the pty buffers), and the CPU each of `pids` used meanwhile, in cpu%.
 */
async function push(go: string, done: string, pids: number[]): Promise<{ ms: number; cpu: number[] }> {
  const finished = readFile(done);
  const before = await Promise.all(pids.map(cpuSeconds));
  const start = performance.now();
  await writeFile(go, 'go\n');
  await finished;
  const ms = performance.now() - start;
  const after = await Promise.all(pids.map(cpuSeconds));
  return { ms, cpu: after.map((s, i) => ((s - before[i]!) / (ms / 1000)) * 100) };
}

/** What the writer's BYTES become in the pane's output: each newline gains a CR. */
function terminalBytes(bytes: number): number {
  return bytes + Math.floor(bytes / (LINE.length + 1));
}

/** Output bytes the daemon has recorded lost since it started (gaps of a known size). */
async function droppedBytes(daemon: BenchDaemon): Promise<number> {
  const metrics = await daemon.client.request(DaemonMetricsRequest, {});
  if (!('transcripts' in metrics)) throw new Error('daemon/metrics answered without transcripts');
  return metrics.transcripts.droppedBytes;
}

/** The pid of the sessd-tap streaming `session`'s pane (its argv names the session). */
async function tapPid(session: string): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const [program, , name] = argv.split('\0');
    if (program?.endsWith('sessd-tap') === true && name === session) return Number(entry);
  }
  throw new Error(`no sessd-tap for ${session}`);
}

/** The `throughput` suite: pane throughput with capture on and off, on a daemon and a raw tmux server of its own. */
export async function throughput(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const daemon = await BenchDaemon.start(dir);
  const raw = await RawTmux.start(dir);
  try {
    return await paneThroughput(daemon, raw, dir, options);
  } finally {
    await raw.close();
    await daemon.close();
  }
}

/**
 * Pane throughput with sessd's transcript capture on (its tap under pipe-pane),
 * against the same program in a detached raw tmux session with nothing capturing;
 * then, untimed by the pane, how long sessd took to have it all in the transcript,
 * and how much of it is missing there (what the daemon recorded lost, and what the
 * transcript lacks of the writer's bytes): nothing, or capture is not keeping up.
 */
export async function paneThroughput(daemon: BenchDaemon, raw: RawTmux, dir: string, options: SuiteOptions): Promise<Figure[]> {
  const { client } = daemon;
  const bytes = options.quick ? QUICK_BYTES : BYTES;
  const fifos = async (name: string): Promise<{ go: string; done: string }> => {
    const go = join(dir, `${name}.go`);
    const done = join(dir, `${name}.done`);
    await exec(['mkfifo', go, done]);
    return { go, done };
  };
  const stored: number[] = [];
  const lost: number[] = [];
  // CPU while the pane streams: what capture takes from the machine's two cores, and what the tmux servers spend.
  const busy = { daemon: [] as number[], tap: [] as number[], tmux: [] as number[], raw: [] as number[] };
  const pids = {
    daemon: daemon.proc.pid!,
    tmux: (await client.daemon.status()).tmux.serverPid!,
    raw: Number((await tmux(raw.socket, ['display-message', '-p', '#{pid}'])).trim()),
  };
  const runs = await abab(
    options.quick ? 1 : 3,
    async (i) => {
      const { go, done } = await fifos(`sessd-${i}`);
      const w = await client.session.create({ name: `writer-${i}`, command: writer(bytes, go, done), cwd: dir });
      const droppedBefore = await droppedBytes(daemon);
      const endBefore = await transcriptEnd(daemon, w.id);
      const start = performance.now();
      const { ms, cpu } = await push(go, done, [pids.daemon, pids.tmux, await tapPid(w.id)]);
      busy.daemon.push(cpu[0]!);
      busy.tmux.push(cpu[1]!);
      busy.tap.push(cpu[2]!);
      // The tap never holds the pane up: what it has not handed over yet may still be on its way.
      const end = await transcriptEnd(daemon, w.id);
      await untilTranscript(daemon, w.id, 'WROTE-ALL', { from: Math.max(0, end - TAIL_BYTES) });
      stored.push(performance.now() - start);
      const kept = (await transcriptEnd(daemon, w.id)) - endBefore;
      lost.push((Math.max(0, terminalBytes(bytes) - kept) + (await droppedBytes(daemon)) - droppedBefore) / MIB);
      await client.session.delete({ session: w.id, force: true });
      return ms;
    },
    async (i) => {
      const { go, done } = await fifos(`raw-${i}`);
      await tmux(raw.socket, ['new-session', '-d', '-s', `writer-${i}`, '-x', '120', '-y', '40', '--', ...writer(bytes, go, done)]);
      const { ms, cpu } = await push(go, done, [pids.raw]);
      busy.raw.push(cpu[0]!);
      await tmux(raw.socket, ['kill-session', '-t', `=writer-${i}`]);
      return ms;
    },
  );
  const mib = bytes / MIB;
  const rate = (ms: number): number => mib / (ms / 1000);
  return [
    {
      name: `pane throughput with transcript capture on (${mib} MiB)`,
      unit: 'MiB/s',
      sessd: runs.a.map(rate),
      baseline: { name: 'the same pane with nothing capturing (raw tmux, detached)', values: runs.b.map(rate) },
    },
    { name: `transcript has all ${mib} MiB (go to marker stored)`, unit: 'MiB/s', sessd: stored.map(rate) },
    { name: 'output missing from the transcript (lost or never stored)', unit: 'MiB', sessd: lost },
    { name: 'daemon CPU while the pane streams', unit: 'cpu%', sessd: busy.daemon },
    { name: "the pane's sessd-tap CPU while the pane streams", unit: 'cpu%', sessd: busy.tap },
    { name: 'tmux server CPU while the pane streams', unit: 'cpu%', sessd: busy.tmux, baseline: { name: 'raw tmux server, nothing capturing', values: busy.raw } },
  ];
}
