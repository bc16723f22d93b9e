import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlClient } from '../../daemon/backend/tmux/control-client.js';
import type { ControlNotification } from '../../daemon/backend/tmux/control-parser.js';
import type { Interaction, SessdEvent } from '../../shared/protocol/index.js';
import { claudeBinary, claudeEnv, codexEnv, codexLauncher, seedClaude, seedCodex, type AgentHome } from '../helpers/agents.js';
import { latestTurn, MockModel, type RecordedRequest, type Reply } from '../helpers/mock-model.js';
import { guard, REPO, WAIT_LIMIT_MS, type BenchDaemon } from './env.js';
import type { Figure } from './main.js';

/** What each agent's approval dialog prints (REAL.md), as tmux emits it. */
const DIALOG = { claude: 'Do you want to proceed?', codex: 'Would you like to run' } as const;

/** `run: CMD` makes the model call the shell with CMD; a tool result gets a final answer. */
function scripted(request: RecordedRequest): Reply {
  const turn = latestTurn(request);
  if ('toolResults' in turn) return { text: 'done' };
  const command = /run: (.+)$/m.exec(turn.text)?.[1];
  return command === undefined ? { text: 'ready' } : { command };
}

interface Seen {
  event: SessdEvent;
  at: number;
}

/**
 * For the real Claude Code and Codex as sessd sessions against the mock model: how
 * long after the mock wrote the last byte of a tool call sessd tells
 * `interaction.opened`, and after the last byte of the final answer, `idle` (both
 * clocks in this process: the mock's and the client's). The first includes the
 * agent's own time to draw its dialog, so the dialog's drawing is timed too, by a
 * tmux control client of the bench's own: from there to `interaction.opened` is
 * sessd's part.
 */
export async function realAgents(dir: string, daemon: BenchDaemon, rounds: number): Promise<Figure[]> {
  const { client } = daemon;
  const seen: Seen[] = [];
  let wake = (): void => undefined;
  await client.subscribe({ types: ['session.activity', 'interaction.opened'] }, (event) => {
    seen.push({ event, at: Date.now() });
    wake();
  });
  const next = (match: (s: Seen) => boolean, from: number, what: string): Promise<Seen> =>
    guard(
      new Promise<Seen>((resolve) => {
        const check = (): void => {
          const found = seen.slice(from).find(match);
          if (found !== undefined) resolve(found);
        };
        wake = check;
        check();
      }),
      what,
    );
  const figures: Figure[] = [];
  for (const agent of ['claude', 'codex'] as const) {
    const mock = await MockModel.start(scripted);
    const at: AgentHome = { home: join(dir, agent, 'home'), project: join(dir, agent, 'project') };
    await mkdir(at.home, { recursive: true });
    await mkdir(at.project, { recursive: true });
    let command: string[];
    let env: Record<string, string>;
    if (agent === 'claude') {
      await seedClaude(at);
      [command, env] = [[claudeBinary()], claudeEnv(at, mock.url)];
    } else {
      await seedCodex(at, mock.url);
      [command, env] = [[process.execPath, codexLauncher(), '--no-daemon'], codexEnv(at)];
    }
    const s = await client.session.create({ name: agent, command, env, cwd: at.project, agent });
    const mine = (type: string, activity?: string) => (x: Seen) => x.event.sessionId === s.id && x.event.type === type && (activity === undefined || x.event.data.activity === activity);
    const watcher = await ControlClient.start({
      tmux: 'tmux',
      globalArgs: ['-S', daemon.tmuxSocket],
      attach: ['attach-session', '-r', '-f', 'ignore-size', '-t', `=${s.id}`],
      env: process.env,
      commandTimeoutMs: WAIT_LIMIT_MS,
    });
    /** When tmux next emits the agent's dialog (Date.now(), the mock's clock). */
    const drawn = (): Promise<number> =>
      guard(
        new Promise<number>((resolve) => {
          let text = '';
          const off = watcher.onNotification((n: ControlNotification) => {
            if (n.name !== 'output') return;
            // The words as drawn: a cursor step right is a space, other controls nothing.
            const data = n.args.replace(/^%\d+ /, '').replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
            // eslint-disable-next-line no-control-regex -- escape sequences are what is stripped
            text = (text + data.replace(/\x1b\[\d*C/g, ' ').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|[\x00-\x1f]/g, '')).slice(-4096);
            if (text.includes(DIALOG[agent])) {
              off();
              resolve(Date.now());
            }
          });
        }),
        `${agent}'s dialog drawn`,
      );
    try {
      const opened: number[] = [];
      const read: number[] = [];
      const idle: number[] = [];
      await client.session.send({ session: s.id, text: 'hello' });
      await mock.waitForRequest((r) => mock.conversation().includes(r) && r.answeredAt !== undefined, 'the first answer');
      await next(mine('session.activity', 'idle'), 0, `${agent} idle`);
      for (let i = 0; i < rounds; i++) {
        const from = seen.length;
        const asked = mock.requests.length;
        const dialog = drawn();
        await client.session.send({ session: s.id, text: `run: touch f${i}.txt` });
        const ask = await next(mine('interaction.opened'), from, `${agent} asking`);
        read.push(ask.at - (await dialog));
        const call = mock.requests.slice(asked).find((r) => mock.conversation().includes(r) && 'text' in latestTurn(r) && r.answeredAt !== undefined);
        if (call === undefined) throw new Error(`${agent}: no tool call before its question`);
        opened.push(ask.at - call.answeredAt!);
        const answered = mock.requests.length;
        await client.interaction.respond({ id: (ask.event.data as unknown as Interaction).id, choice: '1' });
        const final = await mock.waitForRequest(
          (r) => mock.requests.indexOf(r) >= answered && 'toolResults' in latestTurn(r) && r.answeredAt !== undefined,
          `${agent}'s final answer`,
        );
        const back = await next((x) => mine('session.activity', 'idle')(x) && x.at >= final.answeredAt!, from, `${agent} idle again`);
        idle.push(back.at - final.answeredAt!);
      }
      const name = agent === 'claude' ? 'Claude Code' : 'Codex';
      figures.push(
        { name: `${name}: \`interaction.opened\` after the model's tool call`, unit: 'ms', sessd: opened },
        { name: `${name}: \`interaction.opened\` after tmux emits the dialog`, unit: 'ms', sessd: read },
        { name: `${name}: \`idle\` after the model's final answer`, unit: 'ms', sessd: idle },
      );
    } finally {
      await watcher.close();
      await client.session.delete({ session: s.id, force: true }).catch(() => undefined);
      await mock.close();
    }
  }
  return figures;
}

/** Runs argv with `input` on stdin; resolves with the milliseconds from spawn to exit. */
function timed(argv: string[], env: NodeJS.ProcessEnv, input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - t0));
    child.stdin.on('error', () => undefined); // /bin/true reads nothing: EPIPE
    child.stdin.end(input);
  });
}

/**
 * What a hook adds to the agent's turn: Claude Code runs `sessd-hook claude` once per
 * event and waits for it. Timed from spawn to exit as the agent sees it, beside
 * `/bin/true` spawned the same way (the cost of any hook at all).
 */
export async function hookCalls(daemon: BenchDaemon, rounds: number): Promise<Figure[]> {
  const s = await daemon.client.session.create({ name: 'hooked', command: ['sleep', '100000'], agent: 'claude' });
  try {
    const env = { ...process.env, SESSD_SOCKET: daemon.socket, SESSD_SESSION: s.id };
    const payload = JSON.stringify({ hook_event_name: 'Stop', session_id: '00000000-0000-4000-8000-000000000000', transcript_path: '/dev/null', stop_hook_active: false });
    const hook: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < rounds; i++) {
      hook.push(await timed([join(REPO, 'dist', 'daemon', 'sessd-hook'), 'claude'], env, payload));
      floor.push(await timed(['/bin/true'], env, payload));
    }
    return [{ name: 'a Claude hook call (`sessd-hook claude`, spawn to exit)', unit: 'ms', sessd: hook, baseline: { name: '/bin/true', values: floor } }];
  } finally {
    await daemon.client.session.delete({ session: s.id, force: true }).catch(() => undefined);
  }
}
