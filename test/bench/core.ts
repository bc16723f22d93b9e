import { join } from 'node:path';
import { RpcTransport } from '../../client/sdk/transport.js';
import { BenchDaemon, RawTmux, REPO } from './env.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, elapsed, exec, startEchoServer, tmux } from './measure.js';
import { scale } from './core-scale.js';
import { overSsh } from './ssh.js';

/** What the sessions under test run: nothing that prints or reads. */
const IDLE = ['sleep', '100000'];
/**
 * Reads what is typed and prints it back. Not a `sh -c` script: sessd takes `sh` for
 * an interactive shell, and holds the first send to one until it shows a prompt (or
 * for 15 s). A silent program is ready after 2 s: the warm-up rounds take that.
 */
const SINK = ['cat'];
/** A screen of 30 short lines, then waits. */
const SCREEN = ['sh', '-c', 'seq 1 30; exec sleep 100000'];
const TEXT = 'the quick brown fox jumps over the lazy dog';
const CLI = join(REPO, 'dist', 'client', 'bin', 'main.js');
/**
 * Round trips made on each side before the timed ones: both servers and the client
 * are warm by then (a fresh daemon's first few thousand requests cost nearly twice
 * the later ones, JIT and allocation sites settling).
 */
const RPC_WARMUP = 8000;
const QUICK_RPC_WARMUP = 3000;

/**
 * The daemon's everyday operations, each against what a script would do with tmux
 * (or, for the RPC round trip, a bare JSON-RPC server), sessd and the baseline taking
 * turns round by round: request round trip, create, send, capture, `sess ls` cold
 * start, and (core-scale.ts) 1000 sessions: create, list, memory, idle CPU.
 */
export async function core(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const { quick } = options;
  const daemon = await BenchDaemon.start(dir);
  const raw = await RawTmux.start(dir);
  const echo = await startEchoServer(join(dir, 'echo.sock'));
  const { client } = daemon;
  const figures: Figure[] = [];
  try {
    // Printed now, captured later: both screens are complete by then.
    const screen = await client.session.create({ name: 'screen', command: SCREEN, cwd: dir });
    await tmux(raw.socket, ['new-session', '-d', '-s', 'screen', '-x', '120', '-y', '40', '--', ...SCREEN]);

    // -- RPC round trip ----------------------------------------------------------
    const bare = await RpcTransport.connect(join(dir, 'echo.sock'));
    try {
      const rpc = await abab(
        quick ? 300 : 3000,
        () => elapsed(() => client.daemon.status()),
        () => elapsed(() => bare.request('echo', {})),
        quick ? QUICK_RPC_WARMUP : RPC_WARMUP,
      );
      figures.push({ name: 'RPC round trip (daemon/status)', unit: 'ms', sessd: rpc.a, baseline: { name: 'bare vscode-jsonrpc echo server', values: rpc.b } });
    } finally {
      bare.close();
    }
    figures.push(...(await overSsh(daemon, dir, options)));

    // -- session/create until the tmux session exists ------------------------------
    const creates = quick ? 10 : 50;
    const created: string[] = [];
    const create = await abab(
      creates,
      (i) =>
        elapsed(async () => {
          created.push((await client.session.create({ name: `new-${i}`, command: IDLE, cwd: dir })).id);
        }),
      (i) => elapsed(() => tmux(raw.socket, ['new-session', '-d', '-s', `new-${i}`, '--', ...IDLE])),
      1,
    );
    figures.push({ name: 'session/create until the tmux session exists', unit: 'ms', sessd: create.a, baseline: { name: 'tmux new-session -d (a process)', values: create.b } });
    for (const id of created) await client.session.delete({ session: id, force: true });
    for (let i = 0; i < created.length; i++) await tmux(raw.socket, ['kill-session', '-t', `=new-${i}`]);

    // -- session/send --------------------------------------------------------------
    const sink = await client.session.create({ name: 'sink', command: SINK, cwd: dir });
    await tmux(raw.socket, ['new-session', '-d', '-s', 'sink', '-x', '120', '-y', '40', '--', ...SINK]);
    const send = await abab(
      quick ? 20 : 100,
      () => elapsed(() => client.session.send({ session: sink.id, text: TEXT })),
      () => elapsed(() => tmux(raw.socket, ['send-keys', '-t', '=sink:', '-l', TEXT, ';', 'send-keys', '-t', '=sink:', 'Enter'])),
      2,
    );
    figures.push({ name: 'session/send (43 characters and Enter)', unit: 'ms', sessd: send.a, baseline: { name: 'tmux send-keys -l ...; send-keys Enter (a process)', values: send.b } });

    // -- session/capture -------------------------------------------------------------
    const ours = (await client.session.capture({ session: screen.id })).text;
    const theirs = await tmux(raw.socket, ['capture-pane', '-p', '-t', '=screen:']);
    if (!ours.includes('30') || !theirs.includes('30')) throw new Error(`the screens to capture are not drawn yet: ${JSON.stringify({ ours, theirs })}`);
    const capture = await abab(
      quick ? 20 : 100,
      () => elapsed(() => client.session.capture({ session: screen.id })),
      () => elapsed(() => tmux(raw.socket, ['capture-pane', '-p', '-t', '=screen:'])),
      2,
    );
    figures.push({ name: 'session/capture (a 120x40 screen)', unit: 'ms', sessd: capture.a, baseline: { name: 'tmux capture-pane -p (a process)', values: capture.b } });

    // -- sess ls, cold start -------------------------------------------------------------
    const cold = await abab(
      quick ? 5 : 20,
      () => elapsed(() => exec([process.execPath, CLI, 'ls', '--socket', daemon.socket, '--no-autostart'])),
      () => elapsed(() => exec([process.execPath, '-e', '0'])),
      1,
    );
    figures.push({ name: '`sess ls` cold start (process to exit)', unit: 'ms', sessd: cold.a, baseline: { name: 'node -e 0', values: cold.b } });

    figures.push(...(await scale(daemon, raw, dir, options)));
  } finally {
    await echo.close();
    await raw.close();
    await daemon.close();
  }
  return figures;
}
