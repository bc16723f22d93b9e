import { join } from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import { BenchDaemon, guard, RawTmux } from './env.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, cpuSeconds, elapsed, rssMiB, tmux } from './measure.js';

/** The scales; --quick runs the same rows at smaller counts (said in each row's name). */
const COUNTS = [1000, 5000];
const QUICK_COUNTS = [200, 1000];
/** Sessions deleted one by one at each scale (the rest are ended with their tmux server). */
const DELETES = 50;
const QUICK_DELETES = 10;
/** The window over which idle CPU is measured (--quick: shorter). Not a wait for a signal: the measurement itself. */
const IDLE_WINDOW_MS = 10_000;
const QUICK_IDLE_WINDOW_MS = 3_000;
/** Daemon restarts timed at each scale. */
const RESTARTS = 3;
const QUICK_RESTARTS = 2;
/** Ptys left for everything else on the machine while the scale runs. */
const PTY_MARGIN = 64;
/** What every session runs: nothing that prints or reads. */
const COMMAND = ['sleep', '100000'];

/**
 * Many live sessions, at each of COUNTS: create them all (one after another, against
 * raw tmux creating as many over its control client), list them, the daemon's RSS and
 * the CPU it and its tmux server use while nothing happens, restart the daemon until it
 * answers again (sessions keep running and are adopted), and delete some one by one.
 */
export async function scale(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of options.quick ? QUICK_COUNTS : COUNTS) {
    const sub = join(dir, `n${n}`);
    await mkdir(sub, { mode: 0o700 });
    figures.push(...(await atScale(sub, n, options)));
  }
  return figures;
}

/**
 * Each session holds a pty, sessd's and the baseline's alike: 2n of them, more than
 * Linux's default `kernel.pty.max` (4096) at 5,000. Said before any is made, with
 * what to do, instead of failing halfway on tmux's "fork failed".
 */
async function checkPtys(n: number): Promise<void> {
  const read = async (name: string): Promise<number> => Number((await readFile(`/proc/sys/kernel/pty/${name}`, 'utf8').catch(() => 'NaN')).trim());
  const [max, used] = [await read('max'), await read('nr')];
  if (Number.isNaN(max) || max - used >= 2 * n + PTY_MARGIN) return;
  throw new Error(`${n} sessions and the baseline's need ${2 * n} ptys; kernel.pty.max is ${max} with ${used} in use: run sysctl -w kernel.pty.max=${2 * n + 4096} (as root), or --quick`);
}

async function atScale(dir: string, n: number, options: SuiteOptions): Promise<Figure[]> {
  const { quick } = options;
  await checkPtys(n);
  let daemon = await BenchDaemon.start(dir);
  const raw = await RawTmux.start(dir);
  const figures: Figure[] = [];
  try {
    // -- create all ------------------------------------------------------------------
    const settled = new Set<string>();
    const ours = new Set<string>();
    let allSettled = (): void => undefined;
    const everyOneSettled = new Promise<void>((resolve) => (allSettled = resolve));
    const subscription = await daemon.client.subscribe({ types: ['session.activity'] }, (event) => {
      if (event.sessionId === null || event.data.activity === 'unknown') return;
      settled.add(event.sessionId);
      if (ours.size === n && settled.size >= n && [...ours].every((id) => settled.has(id))) allSettled();
    });
    const create = await abab(
      n,
      (i) => elapsed(async () => ours.add((await daemon.client.session.create({ name: `s${i}`, command: COMMAND, cwd: dir })).id)),
      (i) => elapsed(() => raw.run(['new-session', '-d', '-s', `s${i}`, '--', ...COMMAND])),
    );
    const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
    figures.push({
      name: `${n} sessions: create all, one after another`,
      unit: 'ms',
      sessd: [sum(create.a)],
      baseline: { name: `${n} new-session -d over a tmux control client`, values: [sum(create.b)] },
    });
    if ([...ours].every((id) => settled.has(id))) allSettled();
    await guard(everyOneSettled, `the activity of ${n} new sessions`);
    await subscription.dispose();

    // -- list ------------------------------------------------------------------------------
    const list = await abab(
      quick ? 5 : 20,
      () => elapsed(async () => expectCount((await daemon.client.session.list({ limit: 5000 })).sessions.length, n, 'session/list')),
      () => elapsed(async () => expectCount((await tmux(raw.socket, ['list-sessions'])).trim().split('\n').length, n + 1, 'tmux list-sessions')),
      1,
    );
    figures.push({ name: `session/list with ${n} sessions`, unit: 'ms', sessd: list.a, baseline: { name: `tmux list-sessions (a process) at ${n}`, values: list.b } });

    // -- memory and idle CPU ----------------------------------------------------------------
    figures.push({ name: `daemon RSS with ${n} sessions`, unit: 'MiB', sessd: [await rssMiB(daemon.proc.pid!)] });
    figures.push(...(await idleCpu(daemon, raw, n, quick ? QUICK_IDLE_WINDOW_MS : IDLE_WINDOW_MS)));

    // -- restart until ready ----------------------------------------------------------------
    const restarts: number[] = [];
    for (let i = 0; i < (quick ? QUICK_RESTARTS : RESTARTS); i++) {
      await daemon.stopDaemon();
      restarts.push(await elapsed(async () => (daemon = await BenchDaemon.start(dir))));
      const adopted = (await daemon.client.session.list({ status: ['running'], limit: 5000 })).sessions.length;
      expectCount(adopted, n, 'running sessions after a restart');
    }
    figures.push({ name: `restart with ${n} live sessions, until it answers`, unit: 'ms', sessd: restarts });
    figures.push({ name: `daemon RSS after a restart with ${n} sessions`, unit: 'MiB', sessd: [await rssMiB(daemon.proc.pid!)] });

    // -- delete one by one -------------------------------------------------------------------
    const victims = [...ours].slice(0, quick ? QUICK_DELETES : DELETES);
    const del = await abab(
      victims.length,
      (i) => elapsed(() => daemon.client.session.delete({ session: victims[i]! })),
      (i) => elapsed(() => tmux(raw.socket, ['kill-session', '-t', `=s${i}`])),
    );
    figures.push({ name: `session/delete (graceful, a running program) at ${n} sessions`, unit: 'ms', sessd: del.a, baseline: { name: 'tmux kill-session (a process)', values: del.b } });
  } finally {
    await raw.close();
    await daemon.close();
  }
  return figures;
}

/** The CPU the daemon and its tmux server use over `windowMs` while nothing happens, against raw tmux's. */
async function idleCpu(daemon: BenchDaemon, raw: RawTmux, n: number, windowMs: number): Promise<Figure[]> {
  const pids = {
    daemon: daemon.proc.pid!,
    tmux: (await daemon.client.daemon.status()).tmux.serverPid!,
    raw: Number((await raw.run(['display-message', '-p', '#{pid}']))[0]),
  };
  const cpu0 = { daemon: await cpuSeconds(pids.daemon), tmux: await cpuSeconds(pids.tmux), raw: await cpuSeconds(pids.raw) };
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const seconds = (performance.now() - start) / 1000;
  const percent = async (pid: number, from: number): Promise<number> => (((await cpuSeconds(pid)) - from) / seconds) * 100;
  const span = `${windowMs / 1000} s`;
  return [
    { name: `daemon CPU while idle for ${span}, ${n} sessions`, unit: 'cpu%', sessd: [await percent(pids.daemon, cpu0.daemon)] },
    {
      name: `sessd's tmux server CPU while idle for ${span}, ${n} sessions`,
      unit: 'cpu%',
      sessd: [await percent(pids.tmux, cpu0.tmux)],
      baseline: { name: 'raw tmux server, same sessions, same window', values: [await percent(pids.raw, cpu0.raw)] },
    },
  ];
}

function expectCount(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: ${got}, not ${want}`);
}
