import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessdClient } from '../../client/sdk/client.js';
import type { Interaction, SessdEvent } from '../../shared/protocol/index.js';
import { claudeBinary, claudeEnv, codexEnv, codexLauncher, seedClaude, seedCodex, type AgentHome } from '../helpers/agents.js';
import { latestTurn, MockModel, type RecordedRequest, type Reply } from '../helpers/mock-model.js';
import { guard } from './env.js';
import type { Figure } from './main.js';

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
 * clocks in this process: the mock's and the client's).
 */
export async function realAgents(dir: string, client: SessdClient, rounds: number): Promise<Figure[]> {
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
    try {
      const opened: number[] = [];
      const idle: number[] = [];
      await client.session.send({ session: s.id, text: 'hello' });
      await mock.waitForRequest((r) => mock.conversation().includes(r) && r.answeredAt !== undefined, 'the first answer');
      await next(mine('session.activity', 'idle'), 0, `${agent} idle`);
      for (let i = 0; i < rounds; i++) {
        const from = seen.length;
        const asked = mock.requests.length;
        await client.session.send({ session: s.id, text: `run: touch f${i}.txt` });
        const ask = await next(mine('interaction.opened'), from, `${agent} asking`);
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
        { name: `${name}: \`idle\` after the model's final answer`, unit: 'ms', sessd: idle },
      );
    } finally {
      await client.session.delete({ session: s.id, force: true }).catch(() => undefined);
      await mock.close();
    }
  }
  return figures;
}
