import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InteractionRespondRequest,
  MessageGetRequest,
  SessionApproveRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionGetRequest,
  SessionSendRequest,
  type Interaction,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import { claudeBinary, claudeEnv, codexEnv, codexLauncher, seedClaude, seedCodex, type AgentHome, newHome } from '../helpers/agents.js';
import { expectError, type TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { latestTurn, MockModel, scripted, toolResults, userTexts, type RecordedRequest } from '../helpers/mock-model.js';

/**
 * The real Claude Code and Codex CLIs run as sessd sessions (session/create with the
 * agent's command, environment, folder and profile) against the mock model API: what
 * sessd says of them (activity, interactions, messages) is checked against what the
 * model receives. What the programs show is in test/fixtures/screens/REAL.md.
 */

const h = useDaemon();

let mock: MockModel;
let client: TestClient;
const sessions: Session[] = [];

beforeEach(async () => {
  mock = await MockModel.start(scripted);
  client = await h.connect();
  await client.subscribe({ types: ['session.activity', 'session.status', 'interaction.opened', 'interaction.resolved', 'message.delivered'] });
});

afterEach(async () => {
  // Deleting stops the agent (and waits for it): nothing of it outlives the test.
  for (const s of sessions.splice(0)) await h.client.request(SessionDeleteRequest, { session: s.id, force: true }).catch(() => undefined);
  client.close();
  await mock.close();
});


async function create(name: string, agent: 'claude' | 'codex', at: AgentHome, command: string[], env: Record<string, string>): Promise<Session> {
  const s = await h.client.request(SessionCreateRequest, { name, command, env, cwd: at.project, agent });
  sessions.push(s);
  return s;
}

const of = (s: Session, type: SessdEvent['type']) => (e: SessdEvent) => e.type === type && e.sessionId === s.id;
/** The session's activities as events told them, from event index `from` on. */
const activities = (s: Session, from = 0): string[] => client.events.slice(from).filter(of(s, 'session.activity')).map((e) => e.data.activity as string);
/** Waits for the session to report `activity` after event index `from`; returns the index just past it. */
async function until(s: Session, activity: string, from = 0): Promise<number> {
  const event = await client.waitForEvent((e) => of(s, 'session.activity')(e) && e.data.activity === activity, from);
  return client.events.indexOf(event) + 1;
}
async function opened(s: Session, from: number): Promise<{ interaction: Interaction; at: number }> {
  const event = await client.waitForEvent(of(s, 'interaction.opened'), from);
  return { interaction: event.data as unknown as Interaction, at: client.events.indexOf(event) + 1 };
}
/**
 * Answers the session's open approval. Codex 0.171 can flip once between its dialog
 * and a screen read as idle right as the dialog opens (the known misread above): an
 * answer that lands in that moment finds no open interaction, so it waits for the
 * dialog to be read again and answers that.
 */
async function approve(s: Session, deny = false): Promise<void> {
  const from = client.events.length;
  try {
    await h.client.request(SessionApproveRequest, { session: s.id, ...(deny ? { deny } : {}) });
  } catch (error) {
    if ((error as { data?: { code?: string } }).data?.code !== 'interaction_not_found') throw error;
    await client.waitForEvent(of(s, 'interaction.opened'), from);
    await h.client.request(SessionApproveRequest, { session: s.id, ...(deny ? { deny } : {}) });
  }
}
const sentByUser = (text: string) => (r: RecordedRequest) => mock.conversation().includes(r) && userTexts(r).some((t) => t.includes(text));
const send = (s: Session, text: string, extra: { when?: 'idle'; force?: boolean } = {}) => h.client.request(SessionSendRequest, { session: s.id, text, ...extra });

/**
 * What both agents must do through sessd: take a message sent right after create;
 * open an interaction for a command to approve, with what it runs; refuse a send into
 * it; approved, run it; denied, tell the model with the next message (queued for idle,
 * which waiting is not); and be idle again after each turn.
 */
async function conversation(s: Session, at: AgentHome, detail: Interaction['detail']): Promise<Interaction> {
  const first = await send(s, 'hello sessd');
  expect(first.status).toBe('delivered');
  await mock.waitForRequest(sentByUser('hello sessd'), 'the first message');
  let from = await idleAfter(s, first.id, 'echo: hello sessd');
  expect(activities(s)).not.toContain('waiting');

  const approved = await send(s, 'run: touch approved.txt');
  const asked = await opened(s, from);
  expect(asked.interaction).toMatchObject({ kind: 'approval', detail: { ...detail, command: 'touch approved.txt' } });
  expect(activities(s, from).at(-1)).toBe('waiting');
  // Codex draws its empty composer with no working sign between the model's tool call
  // and its approval (~0.9 s): the model's message above it, without "Worked for", is
  // a turn not over, so that is not idle either.
  expect(activities(s, from)).not.toContain('idle');
  expect((await h.client.request(SessionGetRequest, { session: s.id })).activity).toBe('waiting');
  const refused = await expectError(send(s, 'this would answer the question'), -32003, 'invalid_state');
  expect((refused.data as { interaction: Interaction }).interaction.id).toBe(asked.interaction.id);
  await approve(s);
  const ran = await mock.waitForRequest((r) => 'toolResults' in latestTurn(r), 'the tool result');
  expect(latestTurn(ran)).toMatchObject({ toolResults: [{ isError: false }] });
  expect(existsSync(join(at.project, 'approved.txt'))).toBe(true);
  from = await idleAfter(s, approved.id, 'tool finished: ok');

  await send(s, 'run: touch refused.txt');
  await opened(s, from);
  // Queued for idle: waiting is not idle, so it stays queued until the question is answered.
  const queued = await send(s, 'never mind', { when: 'idle' });
  expect(queued.status).toBe('queued');
  expect((await h.client.request(MessageGetRequest, { id: queued.id })).status).toBe('queued');
  await approve(s, true);
  const next = await mock.waitForRequest(sentByUser('never mind'), 'the message queued behind the refusal');
  expect(toolResults(next).at(-1)).toMatchObject({ isError: true });
  expect(existsSync(join(at.project, 'refused.txt'))).toBe(false);
  expect((await h.client.request(MessageGetRequest, { id: queued.id })).status).toBe('delivered');
  await idleAfter(s, queued.id, 'echo: never mind');
  return asked.interaction;
}

/**
 * Waits until the turn a message started is over: the screen shows `text`, and the
 * session told `idle` after the message was delivered. Returns the event index past it.
 */
async function idleAfter(s: Session, messageId: string, text: string): Promise<number> {
  const delivered = await client.waitForEvent((e) => e.type === 'message.delivered' && (e.data as { id?: string }).id === messageId);
  await h.waitForScreen(s, (screen) => screen.includes(text));
  return until(s, 'idle', client.events.indexOf(delivered) + 1);
}

describe('Claude Code through sessd', () => {
  const command = (): string[] => [claudeBinary()];

  it('takes a message sent right after create, asks with the command to approve, runs it approved and tells the model a refusal', async () => {
    const at = await newHome();
    await seedClaude(at);
    const s = await create('claude', 'claude', at, command(), claudeEnv(at, mock.url));
    const asked = await conversation(s, at, { tool: 'Bash', description: 'Run the command' });
    expect(asked.prompt).toBe('Do you want to proceed?');
    expect(asked.choices.map((c) => c.id)).toEqual(['1', '2', '3']);
    expect([asked.choices[0]!.label, asked.choices[2]!.label]).toEqual(['Yes', 'No']);
    expect(toolResults(mock.conversation().at(-1)!).at(-1)?.output).toContain("doesn't want to proceed");
  });

  it('shows its folder-trust dialog as waiting with its choices, never idle, and a message sent meanwhile is refused', async () => {
    const at = await newHome();
    await seedClaude(at, { trusted: false });
    const s = await create('claude-trust', 'claude', at, command(), claudeEnv(at, mock.url));
    // The message sent right after create waits for the program, which asks a question: refused, not typed as its answer.
    const refused = await expectError(send(s, 'hello'), -32003, 'invalid_state');
    const trust = (refused.data as { interaction: Interaction | null }).interaction ?? (await opened(s, 0)).interaction;
    expect(trust.prompt).toBe('Is this a project you created or one you trust?');
    expect(trust.choices).toEqual([
      { id: '1', label: 'Yes, I trust this folder' },
      { id: '2', label: 'No, exit' },
    ]);
    expect(activities(s)).not.toContain('idle');
    expect((await h.client.request(SessionGetRequest, { session: s.id })).activity).toBe('waiting');
    const mark = client.events.length;
    await h.client.request(InteractionRespondRequest, { id: trust.id, choice: '1' });
    await until(s, 'idle', mark);
    expect(mock.conversation()).toEqual([]);
  });

  it('reports a first run that cannot reach its model, never as idle', async () => {
    const at = await newHome();
    // No ~/.claude.json: the first-run flow checks api.anthropic.com itself, here through a proxy that refuses.
    const env = { ...claudeEnv(at, mock.url), HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' };
    const s = await create('claude-offline', 'claude', at, command(), env);
    await client.waitForEvent((e) => of(s, 'session.status')(e) && e.data.status === 'exited');
    const ended = await h.client.request(SessionGetRequest, { session: s.id });
    expect(ended.notice).toMatch(/^Unable to connect to Anthropic services/);
    expect(activities(s)).not.toContain('idle');
  });
});

describe('Codex through sessd', () => {
  it('takes a message sent right after create, asks with the command to approve, runs it approved and tells the model a refusal', async () => {
    const at = await newHome();
    await seedCodex(at, mock.url);
    // --no-daemon: no shared app-server daemon, which would outlive the session.
    const s = await create('codex', 'codex', at, [process.execPath, codexLauncher(), '--no-daemon'], codexEnv(at));
    const asked = await conversation(s, at, { tool: 'shell', reason: 'Run the command' });
    expect(asked.prompt).toBe('Would you like to run the following command?');
    expect(asked.choices.map((c) => c.id)).toEqual(['1', '2', '3']);
    expect([asked.choices[0]!.label, asked.choices[2]!.label]).toEqual(['Yes, proceed', 'No, and tell Codex what to do differently']);
    expect(toolResults(mock.conversation().at(-1)!).at(-1)?.output).toContain('aborted by user');
  });
});
