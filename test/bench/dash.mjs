#!/usr/bin/env node
// `npm run build && node test/bench/dash.mjs [--sessions 20] [--seconds 10]`: what
// `sess dash` costs. Runs a private sessd (temp dirs, its own tmux server) and the
// built dashboard in an 80x24 pty, and prints:
// - start: from spawning `sess dash` to its first frame showing the sessions (median of 5);
// - idle CPU: the dashboard's CPU time over wall time while nothing happens;
// - streaming CPU: the same while every session prints a line every 50 ms;
// - keypress at 200 sessions: from a `j` to the redrawn frame (median of 20).
// Nothing is asserted: the figures are for people to read.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pty from 'node-pty';

const REPO = resolve(import.meta.dirname, '..', '..');
const SESS = join(REPO, 'dist', 'client', 'bin', 'main.js');
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const SESSIONS = arg('sessions', 20);
const SECONDS = arg('seconds', 10);
/** The hang guard for one frame. */
/** How long after its first frame the dashboard is left before idle CPU is measured (start-up reads the screens of the rows shown, then stops). */
const START_SETTLE_MS = 2_000;
const FRAME_TIMEOUT_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'sessd-dash-bench-'));
const env = { ...process.env, SESSD_SOCKET: join(dir, 's.sock'), SESSD_TMUX_SOCKET: join(dir, 't.sock'), SESSD_STATE_DIR: join(dir, 'state'), SHELL: '/bin/bash', NO_COLOR: '1' };
delete env.TMUX;
const sess = (...args) => execFileSync(process.execPath, [SESS, ...args], { env, encoding: 'utf8' });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** Runs the dashboard; `until(text)` resolves once its output (since the call) contains `text`. */
function dash() {
  const term = pty.spawn(process.execPath, [SESS, 'dash'], { cols: 80, rows: 24, env, cwd: dir });
  let out = '';
  const waiters = new Set();
  term.onData((d) => {
    out += d;
    for (const w of waiters) {
      if (!out.includes(w.text)) continue;
      waiters.delete(w);
      w.resolve();
    }
  });
  const exited = new Promise((r) => term.onExit(r));
  return {
    term,
    exited,
    until(text) {
      out = '';
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame with ${text}`)), FRAME_TIMEOUT_MS);
        waiters.add({ text, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

async function cpuOver(pid, seconds) {
  const t0 = cpuTicks(pid);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuTicks(pid) - t0) * TICK_MS * 100) / (Date.now() - w0);
}

try {
  sess('daemon', 'start');
  for (let i = 0; i < SESSIONS; i++) sess('new', '-n', `s${i}`, '--space', `space${i % 4}`, '--', 'bash', '--norc', '--noprofile');

  const starts = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const d = dash();
    await d.until(`${SESSIONS} sessions`);
    starts.push(performance.now() - started);
    d.term.write('q');
    await d.exited;
  }
  console.log(`start (spawn to first frame with ${SESSIONS} sessions): median ${median(starts).toFixed(0)} ms  [${starts.map((s) => s.toFixed(0)).join(', ')}]`);

  const d = dash();
  await d.until(`${SESSIONS} sessions`);
  // Its first screens and last lines are read right after start: idle is what follows.
  // There is no event for "done reading": idle is measured from a settled start instead.
  await new Promise((r) => setTimeout(r, START_SETTLE_MS));
  console.log(`idle CPU over ${SECONDS} s: ${(await cpuOver(d.term.pid, SECONDS)).toFixed(2)} %`);
  for (let i = 0; i < SESSIONS; i++) sess('send', `space${i % 4}/s${i}`, 'n=0; while :; do n=$((n+1)); echo "line $n from s' + i + '"; sleep 0.05; done');
  await d.until('line ');
  console.log(`CPU while ${SESSIONS} sessions each print 20 lines/s, over ${SECONDS} s: ${(await cpuOver(d.term.pid, SECONDS)).toFixed(2)} %`);
  for (let i = 0; i < SESSIONS; i++) sess('interrupt', `space${i % 4}/s${i}`);
  d.term.write('q');
  await d.exited;

  for (let i = SESSIONS; i < 200; i++) sess('new', '-n', `s${i}`, '--space', `space${i % 4}`, '--', 'bash', '--norc', '--noprofile');
  const big = dash();
  await big.until('200 sessions');
  const keys = [];
  for (let i = 0; i < 20; i++) {
    // Each `j` selects the next session: the frame shows its name in the preview's title.
    const next = big.until(`── space`);
    const t = performance.now();
    big.term.write('j');
    await next;
    keys.push(performance.now() - t);
  }
  console.log(`keypress to redrawn frame at 200 sessions: median ${median(keys).toFixed(1)} ms`);
  big.term.write('q');
  await big.exited;
} finally {
  try {
    sess('daemon', 'stop');
  } catch {
    // Not started: nothing to stop.
  }
  spawnSync('tmux', ['-S', env.SESSD_TMUX_SOCKET, 'kill-server']);
  rmSync(dir, { recursive: true, force: true });
}
