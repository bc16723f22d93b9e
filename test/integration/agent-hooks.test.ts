import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InteractionRespondRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionForkRequest,
  SessionGetRequest,
  SessionKeysRequest,
  SessionRestoreRequest,
  SessionSendRequest,
  SessionStopRequest,
  type Interaction,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import { claudeBinary, claudeEnv, codexEnv, codexLauncher, codexSessionIds, newHome, seedClaude, seedCodex } from '../helpers/agents.js';
import type { TestClient } from '../helpers/client.js';
import { tempDir } from '../helpers/daemon.js';
import { repository } from '../helpers/git.js';
import { useDaemon } from '../helpers/harness.js';
import { MockModel, scripted, toolResults, userTexts, type RecordedRequest } from '../helpers/mock-model.js';

/**
 * The real Claude Code and Codex run by the real sessd against the mock model: sessd
 * gives them its hooks (Claude's --settings, Codex's notify) and records what they
 * report: their activity, an approval's tool and input, and their own conversation
 * id, which a restore resumes.
 */

const h = useDaemon();

/** What the screen shows after a restored session's saved scrollback (all of it when the program cleared the screen). */
const afterPreface = (screen: string): string => screen.split('restored from checkpoint').at(-1)!;

let mock: MockModel;
let client: TestClient;

beforeEach(async () => {
  mock = await MockModel.start(scripted);
  client = await h.connect();
  await client.subscribe();
});

afterEach(async () => {
  client.close();
  await mock.close();
});


const of = (s: Session, type: string, match: (data: Record<string, unknown>) => boolean = () => true) => (e: SessdEvent) =>
  e.sessionId === s.id && e.type === type && match(e.data);

/** The conversation requests that carry `text` from the user. */
const sentByUser = (text: string) => (r: RecordedRequest) => mock.conversation().includes(r) && userTexts(r).some((t) => t.includes(text));

/**
 * Types `text` into the agent's input and, once the screen shows it there, presses
 * Enter in a write of its own (both agents take an Enter right behind the text as
 * part of it).
 */
async function say(s: Session, text: string, input: RegExp): Promise<void> {
  await h.client.request(SessionSendRequest, { session: s.id, text, submit: false });
  await h.waitForScreen(s, (screen) => input.test(screen) && screen.includes(text));
  await h.client.request(SessionKeysRequest, { session: s.id, keys: ['Enter'] });
}

/**
 * Forks `s`, whose agent was told "remember the word kettle" in `conversation`: the
 * fork starts on a fork of it, knows the earlier turn, and records its own id from
 * its first turn; the source keeps its own.
 */
async function forkRemembers(s: Session, conversation: { agent: string; id: string }, idle: (screen: string) => boolean, input: RegExp): Promise<void> {
  const from = client.events.length;
  const fork = await h.client.request(SessionForkRequest, { session: s.id, name: `${s.name}-fork` });
  expect(fork.agentSession).toEqual({ ...conversation, fork: true });
  await h.waitForScreen(fork, (screen) => screen.includes('echo: remember the word kettle') && idle(screen));
  await say(fork, 'which word?', input);
  const asked = await mock.waitForRequest(sentByUser('which word?'), 'the fork’s first message');
  expect(userTexts(asked).some((t) => t.includes('remember the word kettle'))).toBe(true);
  // Its own conversation from then on, which a restart resumes.
  const own = await client.waitForEvent(of(fork, 'session.updated', (d) => d.agentSession !== undefined), from);
  const forked = own.data.agentSession as { agent: string; id: string; fork?: boolean };
  expect(forked.agent).toBe(conversation.agent);
  expect(forked.id).not.toBe(conversation.id);
  expect(forked.fork).toBe(undefined);
  expect((await h.client.request(SessionGetRequest, { session: s.id })).agentSession).toEqual(conversation);
  await h.client.request(SessionStopRequest, { session: fork.id });
  await h.client.request(SessionStopRequest, { session: s.id });
}

describe('Claude Code with sessd’s hooks', () => {
  /** Claude's input row: `❯` and a non-breaking space, alone, with "? for shortcuts" below. */
  const idle = (screen: string): boolean => /^❯\u00a0$/m.test(screen) && /^ {2}\? for shortcuts/m.test(screen);
  const input = /^❯[ \u00a0]\S/m;

  it('reports its conversation and its activity; an approval opens with the tool; a restore resumes the conversation', async () => {
    const at = await newHome();
    await seedClaude(at);
    const s = await h.client.request(SessionCreateRequest, { name: 'claude', command: [claudeBinary()], cwd: at.project, env: claudeEnv(at, mock.url), agent: 'claude' });

    // SessionStart: the conversation is recorded on the session.
    const started = await client.waitForEvent(of(s, 'session.updated', (d) => d.agentSession !== undefined));
    const conversation = started.data.agentSession as { agent: string; id: string };
    expect(conversation.agent).toBe('claude');
    expect(conversation.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await h.client.request(SessionGetRequest, { session: s.id })).agentSession).toEqual(conversation);

    await h.waitForScreen(s, idle);
    const before = client.events.length;
    await say(s, 'run: touch approved.txt', input);
    // The approval is the hook's (PermissionRequest): it says what is to be approved, and the screen waits for it.
    await client.waitForEvent(of(s, 'session.activity', (d) => d.activity === 'waiting' && d.source === 'hook'), before);
    const opened = await client.waitForEvent(of(s, 'interaction.opened'), before);
    const interaction = opened.data as unknown as Interaction;
    expect(interaction.detail).toEqual({ tool: 'Bash', command: 'touch approved.txt', description: 'Run the command', input: { command: 'touch approved.txt', description: 'Run the command' }, source: 'hook' });
    expect(interaction.prompt).toBe('Do you want to proceed?');
    await h.client.request(InteractionRespondRequest, { id: interaction.id, choice: '1' });
    await mock.waitForRequest((r) => toolResults(r).some((t) => !t.isError), 'the tool’s result');
    expect(existsSync(join(at.project, 'approved.txt'))).toBe(true);
    await h.waitForScreen(s, (screen) => screen.includes('tool finished: ok') && idle(screen));
    await client.waitForEvent(of(s, 'session.activity', (d) => d.activity === 'idle'), client.events.indexOf(opened));
    // Hook and screen agree on each step; whichever tells first records it.
    const steps = client.events.slice(before).filter(of(s, 'session.activity')).map((e) => e.data.activity);
    expect(steps.filter((a, i) => a !== steps[i - 1])).toEqual(['busy', 'waiting', 'busy', 'idle']);

    const checkpoint = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'mid-conversation' });
    expect(checkpoint.agentSession).toEqual(conversation);
    await h.client.request(SessionStopRequest, { session: s.id });
    const restored = await h.client.request(SessionRestoreRequest, { session: s.id });
    expect(restored.agentSession).toEqual(conversation);
    // Resumed: the earlier turns are on screen and go to the model with the next message.
    await h.waitForScreen(s, (screen) => idle(afterPreface(screen)));
    await say(s, 'what did you run?', input);
    const resumed = await mock.waitForRequest(sentByUser('what did you run?'), 'the message after the restore');
    expect(userTexts(resumed).some((t) => t.includes('run: touch approved.txt'))).toBe(true);
    expect((await h.client.request(SessionGetRequest, { session: s.id })).agentSession).toEqual(conversation);
    await h.client.request(SessionStopRequest, { session: s.id });
  });

  it('forks into a worktree on a fork of the conversation: the fork knows the earlier turns and goes on under its own id', async () => {
    const repo = await repository();
    const at = { home: join(await tempDir('agent-'), 'home'), project: repo.dir };
    await mkdir(at.home, { recursive: true });
    await seedClaude(at);
    const s = await h.client.request(SessionCreateRequest, { name: 'claude-src', command: [claudeBinary()], cwd: at.project, env: claudeEnv(at, mock.url), agent: 'claude' });
    const started = await client.waitForEvent(of(s, 'session.updated', (d) => d.agentSession !== undefined));
    const conversation = started.data.agentSession as { agent: string; id: string };
    await h.waitForScreen(s, idle);
    await say(s, 'remember the word kettle', input);
    await h.waitForScreen(s, (screen) => screen.includes('echo: remember the word kettle') && idle(screen));

    // A worktree of a trusted repository is trusted: Claude starts at the resumed conversation.
    await forkRemembers(s, conversation, idle, input);
  });
});

describe('Codex with sessd’s notify program', () => {
  const idle = (screen: string): boolean => /^› Ask Codex to do anything$/m.test(screen) && !/esc to interrupt/.test(screen);
  const input = /^›[ \u00a0]\S/m;

  it('reports each finished turn with its thread id; a restore resumes that thread', async () => {
    const at = await newHome();
    await seedCodex(at, mock.url);
    // --no-daemon: no shared app-server daemon, which would outlive the session.
    const s = await h.client.request(SessionCreateRequest, { name: 'codex', command: [process.execPath, codexLauncher(), '--no-daemon'], cwd: at.project, env: codexEnv(at), agent: 'codex' });
    await h.waitForScreen(s, idle);
    const before = client.events.length;
    await say(s, 'remember the word kettle', input);
    const recorded = await client.waitForEvent(of(s, 'session.updated', (d) => d.agentSession !== undefined), before);
    expect(await codexSessionIds(at)).toEqual([(recorded.data.agentSession as { id: string }).id]);
    expect(recorded.data.agentSession).toMatchObject({ agent: 'codex' });
    await h.waitForScreen(s, (screen) => screen.includes('echo: remember the word kettle') && idle(screen));

    await h.client.request(SessionCheckpointRequest, { session: s.id });
    await h.client.request(SessionStopRequest, { session: s.id });
    await h.client.request(SessionRestoreRequest, { session: s.id });
    await h.waitForScreen(s, (screen) => idle(afterPreface(screen)));
    await say(s, 'say the word again', input);
    const resumed = await mock.waitForRequest(sentByUser('say the word again'), 'the message after the restore');
    expect(userTexts(resumed).some((t) => t.includes('remember the word kettle'))).toBe(true);
    await h.client.request(SessionStopRequest, { session: s.id });
  });

  it('forks into a worktree with `codex fork ID`: the fork knows the earlier turns and goes on under its own thread', async () => {
    const repo = await repository();
    const at = { home: join(await tempDir('agent-'), 'home'), project: repo.dir };
    await mkdir(at.home, { recursive: true });
    await seedCodex(at, mock.url);
    const s = await h.client.request(SessionCreateRequest, { name: 'codex-src', command: [process.execPath, codexLauncher(), '--no-daemon'], cwd: at.project, env: codexEnv(at), agent: 'codex' });
    await h.waitForScreen(s, idle);
    const before = client.events.length;
    await say(s, 'remember the word kettle', input);
    const recorded = await client.waitForEvent(of(s, 'session.updated', (d) => d.agentSession !== undefined), before);
    const thread = recorded.data.agentSession as { agent: string; id: string };
    await h.waitForScreen(s, (screen) => screen.includes('echo: remember the word kettle') && idle(screen));

    // Started with -C: no question whether to use the source's directory.
    await forkRemembers(s, thread, idle, input);
  });
});
