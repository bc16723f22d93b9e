import { guard, type BenchDaemon, type RawTmux } from './env.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, cpuSeconds, elapsed, rssMiB, tmux } from './measure.js';

/** The scale: 1000 sessions (fewer in --quick, said in each row's name). */
const SESSIONS = 1000;
const QUICK_SESSIONS = 200;
/** The window over which idle CPU is measured: the 10 s (--quick: 3 s). Not a wait for a signal: the measurement itself. */
const IDLE_WINDOW_MS = 10_000;
const QUICK_IDLE_WINDOW_MS = 3_000;

/**
 * Many sessions: the time to create them all (sessd and raw tmux taking turns, one
 * session each), then sessd's RSS, the CPU the daemon and both tmux servers use while
 * nothing happens, and `session/list` of them all against `tmux list-sessions`.
 */
export async function scale(daemon: BenchDaemon, raw: RawTmux, dir: string, options: SuiteOptions): Promise<Figure[]> {
  const n = options.quick ? QUICK_SESSIONS : SESSIONS;
  const { client } = daemon;
  const command = ['sleep', '100000'];
  const before = (await client.session.list({ limit: 5000 })).sessions.length;
  const rawBefore = (await tmux(raw.socket, ['list-sessions', '-F', '#{session_name}'])).trim().split('\n').length;

  // Idle means settled: a new session's screen is read once it has been quiet a while.
  const settled = new Set<string>();
  let allSettled = (): void => undefined;
  const everyOneSettled = new Promise<void>((resolve) => (allSettled = resolve));
  const ours = new Set<string>();
  const subscription = await client.subscribe({ types: ['session.activity'] }, (event) => {
    if (event.sessionId === null || event.data.activity === 'unknown') return;
    settled.add(event.sessionId);
    if (ours.size === n && [...ours].every((id) => settled.has(id))) allSettled();
  });
  const create = await abab(
    n,
    (i) =>
      elapsed(async () => {
        ours.add((await client.session.create({ name: `many-${i}`, command, cwd: dir })).id);
      }),
    (i) => elapsed(() => tmux(raw.socket, ['new-session', '-d', '-s', `many-${i}`, '--', ...command])),
  );
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  const figures: Figure[] = [
    { name: `${n} sessions: create all, one after another`, unit: 'ms', sessd: [sum(create.a)], baseline: { name: `${n} tmux new-session -d processes`, values: [sum(create.b)] } },
  ];

  if ([...ours].every((id) => settled.has(id))) allSettled();
  await guard(everyOneSettled, `the activity of ${n} new sessions`);
  await subscription.dispose();

  const status = await client.daemon.status();
  const pids = {
    daemon: daemon.proc.pid!,
    tmux: status.tmux.serverPid!,
    raw: Number((await tmux(raw.socket, ['display-message', '-p', '#{pid}'])).trim()),
  };
  figures.push({ name: `daemon RSS with ${n} sessions`, unit: 'MiB', sessd: [await rssMiB(pids.daemon)] });

  // Measured once every new session was read and found idle (see above).
  const window = options.quick ? QUICK_IDLE_WINDOW_MS : IDLE_WINDOW_MS;
  const cpu0 = { daemon: await cpuSeconds(pids.daemon), tmux: await cpuSeconds(pids.tmux), raw: await cpuSeconds(pids.raw) };
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, window));
  const seconds = (performance.now() - start) / 1000;
  const percent = async (pid: number, from: number): Promise<number> => ((await cpuSeconds(pid)) - from) / seconds * 100;
  const idle = { daemon: await percent(pids.daemon, cpu0.daemon), tmux: await percent(pids.tmux, cpu0.tmux), raw: await percent(pids.raw, cpu0.raw) };
  const span = `${window / 1000} s`;
  figures.push({ name: `daemon CPU while idle for ${span}, ${n} sessions`, unit: 'cpu%', sessd: [idle.daemon] });
  figures.push({
    name: `sessd's tmux server CPU while idle for ${span}, ${n} sessions`,
    unit: 'cpu%',
    sessd: [idle.tmux],
    baseline: { name: 'raw tmux server, same sessions, same window', values: [idle.raw] },
  });

  const list = await abab(
    options.quick ? 5 : 20,
    () =>
      elapsed(async () => {
        const got = (await client.session.list({ limit: 5000 })).sessions.length;
        if (got !== before + n) throw new Error(`session/list returned ${got} sessions, not ${before + n}`);
      }),
    () =>
      elapsed(async () => {
        const got = (await tmux(raw.socket, ['list-sessions'])).trim().split('\n').length;
        if (got !== rawBefore + n) throw new Error(`tmux list-sessions printed ${got} sessions, not ${rawBefore + n}`);
      }),
    1,
  );
  figures.push({ name: `session/list with ${before + n} sessions`, unit: 'ms', sessd: list.a, baseline: { name: `tmux list-sessions (a process) at ${rawBefore + n}`, values: list.b } });
  return figures;
}
