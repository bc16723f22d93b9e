import { createServer } from 'node:net';
import { join } from 'node:path';
import { ControlClient } from '../../daemon/backend/tmux/control-client.js';
import type { ControlNotification } from '../../daemon/backend/tmux/control-parser.js';
import type { SessdEvent } from '../../shared/protocol/index.js';
import { BenchDaemon, guard, REPO, WAIT_LIMIT_MS } from './env.js';
import type { Figure, SuiteOptions } from './main.js';
import { hookCalls, realAgents } from './real-agents.js';

const AGENT = join(REPO, 'test', 'fixtures', 'agent.mjs');

/**
 * How long after a program prints a question sessd says `waiting` (and after it
 * comes back to its prompt, `idle`): from the moment tmux emits the output (seen by a
 * control client of our own on the daemon's tmux server) to the `session.activity`
 * event at a client; then the same for the real Claude Code and Codex, from the mock
 * model's last byte (real-agents.ts). Absolute figures: there is no baseline that detects this.
 */
export async function agents(dir: string, options: SuiteOptions): Promise<Figure[]> {
  const rounds = options.quick ? 10 : 40;
  // The test agent reports what it receives over a socket; nobody needs its reports here.
  const sink = createServer((socket) => socket.resume());
  const sinkPath = join(dir, 'sink.sock');
  await new Promise<void>((resolve) => sink.listen(sinkPath, resolve));
  const daemon = await BenchDaemon.start(dir);
  let watcher: ControlClient | undefined;
  try {
    const { client } = daemon;
    const events: SessdEvent[] = [];
    let wake = (): void => undefined;
    await client.subscribe({ types: ['session.activity'] }, (event) => {
      events.push(event);
      wake();
    });
    const s = await client.session.create({
      name: 'agent',
      command: [process.execPath, AGENT, sinkPath],
      agent: 'claude',
      env: { AGENT_START_MS: '0', AGENT_BUSY_TICKS: '4' },
    });
    const activity = (want: string, from: number): Promise<number> =>
      guard(
        new Promise<number>((resolve) => {
          const check = (): void => {
            if (events.slice(from).some((e) => e.data.activity === want)) resolve(performance.now());
          };
          wake = check;
          check();
        }),
        `activity ${want}`,
      );
    await activity('idle', 0);
    watcher = await ControlClient.start({
      tmux: 'tmux',
      globalArgs: ['-S', daemon.tmuxSocket],
      attach: ['attach-session', '-r', '-f', 'ignore-size', '-t', `=${s.id}`],
      env: process.env,
      commandTimeoutMs: WAIT_LIMIT_MS,
    });
    const printed = (marker: string): Promise<number> =>
      guard(
        new Promise<number>((resolve) => {
          const off = watcher!.onNotification((n: ControlNotification) => {
            if (n.name === 'output' && n.args.includes(marker)) {
              off();
              resolve(performance.now());
            }
          });
        }),
        `output ${marker}`,
      );
    const waiting: number[] = [];
    const idle: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const from = events.length;
      const question = printed('Do you want to proceed?');
      const detected = activity('waiting', from);
      await client.session.send({ session: s.id, text: `task ${i}, approve first` });
      waiting.push((await detected) - (await question));
      const back = events.length;
      // The prompt's last line, drawn when the agent is idle again.
      const prompt = printed('? for shortcuts');
      const ready = activity('idle', back);
      await client.session.approve({ session: s.id });
      idle.push((await ready) - (await prompt));
    }
    return [
      { name: '`waiting` detected after a prompt is printed', unit: 'ms', sessd: waiting },
      { name: '`idle` detected after the agent is back at its prompt', unit: 'ms', sessd: idle },
      ...(await realAgents(join(dir, 'real'), daemon, options.quick ? 5 : 15)),
      ...(await hookCalls(daemon, options.quick ? 50 : 200)),
    ];
  } finally {
    await watcher?.close();
    await daemon.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
