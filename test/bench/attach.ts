import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { Attachment } from '../../client/sdk/attach.js';
import { BenchDaemon, guard, RawTmux } from './env.js';
import type { Figure, SuiteOptions } from './main.js';

/** What an editor's terminal would be. */
const SIZE = { cols: 120, rows: 40 };
/** Printed after the output; no letter repeats next to itself, so no terminal shortcut splits it. */
const MARKER = 'WROTE-DONE';

/** Writes BYTES of short lines once a line is typed, then the marker, then waits. */
function writer(bytes: number): string[] {
  return ['sh', '-c', `stty -echo; read go; yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c ${bytes}; echo; echo ${MARKER}; exec sleep 100000`];
}

const MiB = 1024 * 1024;

interface Run {
  /** The program's output rate while attached: its bytes over the time until the client showed the marker. */
  program: number;
  /** What the client was sent per second (tmux draws a client only as fast as it reads). */
  delivered: number;
}

/** Waits for the first screen, types the go line, and measures until `MARKER` shows. */
async function measure(bytes: number, attach: (onData: (d: string) => void) => Promise<{ write(d: string): void; close(): Promise<void> }>): Promise<Run> {
  let seen = '';
  let received = 0;
  let firstScreen: (() => void) | undefined;
  let done: (() => void) | undefined;
  const screen = new Promise<void>((resolve) => (firstScreen = resolve));
  const marker = new Promise<void>((resolve) => (done = resolve));
  let started = false;
  const terminal = await attach((data) => {
    firstScreen?.();
    if (!started) return;
    received += Buffer.byteLength(data);
    seen = (seen + data).slice(-4096);
    if (seen.includes(MARKER)) done?.();
  });
  await guard(screen, 'the first screen');
  started = true;
  const start = performance.now();
  terminal.write('go\r');
  await guard(marker, MARKER);
  const seconds = (performance.now() - start) / 1000;
  await terminal.close();
  return { program: bytes / MiB / seconds, delivered: received / MiB / seconds };
}

/**
 * Attach throughput: a program writing fast while one client is attached, through
 * sessd's `session/attach` (tmux client in sessd's pty, streamed over JSON-RPC), against
 * a raw `tmux attach` in a node-pty of the same size reading as fast as it can. Both
 * panes are captured: sessd's by its transcript tap, the raw one by `pipe-pane` to a
 * file, so the baseline's tmux does the same work for the pane.
 */
export async function attach(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const runs = options.quick ? 2 : 5;
  const bytes = (options.quick ? 16 : 64) * MiB;
  const daemon = await BenchDaemon.start(dir);
  const raw = await RawTmux.start(dir);
  const viaSessd: Run[] = [];
  const viaTmux: Run[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const s = await daemon.client.session.create({ command: writer(bytes), cwd: dir, size: SIZE });
      viaSessd.push(
        await measure(bytes, async (onData) => {
          const a = await Attachment.open(daemon.client, { session: s.id, ...SIZE });
          a.onOutput(onData);
          return { write: (d) => void a.write(d), close: () => a.detach() };
        }),
      );
      await daemon.client.session.delete({ session: s.id, force: true });

      const name = `w${i}`;
      await raw.run(['new-session', '-d', '-s', name, '-x', String(SIZE.cols), '-y', String(SIZE.rows), '--', ...writer(bytes)]);
      await raw.run(['pipe-pane', '-O', '-t', `=${name}:`, `exec cat > '${join(dir, `${name}.log`)}'`]);
      viaTmux.push(
        await measure(bytes, (onData) => {
          const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
          delete env.TMUX;
          const pty = spawnPty('tmux', ['-u', '-S', raw.socket, 'attach-session', '-t', `=${name}`], { ...SIZE, env });
          pty.onData(onData);
          const exited = new Promise<void>((resolve) => pty.onExit(() => resolve()));
          return Promise.resolve({
            write: (d: string) => pty.write(d),
            close: async () => {
              pty.kill('SIGHUP');
              await exited;
            },
          });
        }),
      );
      await raw.run(['kill-session', '-t', `=${name}`]);
    }
  } finally {
    await raw.close();
    await daemon.close();
  }
  return [
    {
      name: `program output, attached ${SIZE.cols}x${SIZE.rows}`,
      unit: 'MiB/s',
      sessd: viaSessd.map((r) => r.program),
      baseline: { name: 'raw tmux attach in a node-pty', values: viaTmux.map((r) => r.program) },
    },
    {
      name: 'bytes drawn to the attached client',
      unit: 'MiB/s',
      sessd: viaSessd.map((r) => r.delivered),
      baseline: { name: 'raw tmux attach in a node-pty', values: viaTmux.map((r) => r.delivered) },
    },
  ];
}
