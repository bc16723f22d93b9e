import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AgentPane,
  claudeBinary,
  claudeEnv,
  claudeHookSettings,
  codexEnv,
  codexLauncher,
  codexSessionIds,
  FileLines,
  hookPayloads,
  seedClaude,
  seedCodex,
  newHome,
  type AgentHome,
} from '../helpers/agents.js';
import { killTmuxServer, tempDir } from '../helpers/daemon.js';
import { latestTurn, MockModel, scripted, toolResults, userTexts, type RecordedRequest } from '../helpers/mock-model.js';

/**
 * The real Claude Code and Codex CLIs against the mock model API, each in a pane of a
 * test-owned tmux server, in a temp HOME. These pin down what sessd builds on (what
 * the screens show, how a message is submitted, what the hooks and notify report,
 * how a conversation resumes); REAL.md beside the screen fixtures tells the same.
 */

const run = promisify(execFile);

let socket: string;
/** The current test's model: each test has its own, so no test sees another's requests. */
let mock: MockModel;
let count = 0;

beforeAll(async () => {
  socket = join(await tempDir('agents-'), 't.sock');
});

beforeEach(async () => {
  mock = await MockModel.start(scripted);
});

afterEach(async () => {
  await AgentPane.stopAll();
  await mock.close();
});

afterAll(async () => {
  await killTmuxServer(socket);
});

async function gitHome(): Promise<AgentHome> {
  const at = await newHome();
  await run('git', ['init', '-q', at.project]);
  return at;
}

/** The conversation requests (not titles or checks) that carry `text` from the user. */
const sentByUser = (text: string) => (r: RecordedRequest) => r.api !== 'other' && mock.conversation().includes(r) && userTexts(r).some((t) => t.includes(text));

describe('Claude Code', () => {
  /**
   * Idle: the input row (`❯` and a non-breaking space, alone between two rules) with
   * "? for shortcuts" below; while working the same row shows, with "esc to interrupt".
   */
  const idle = (s: string): boolean => /^❯\u00a0$/m.test(s) && /^ {2}\? for shortcuts/m.test(s);

  async function claude(at: AgentHome, args: string[] = [], settings?: string): Promise<AgentPane> {
    const argv = [claudeBinary(), ...(settings === undefined ? [] : ['--settings', settings]), ...args];
    return AgentPane.start(socket, `claude${++count}`, at.project, claudeEnv(at, mock.url), argv);
  }

  it('starts at its prompt, takes a message, and reports it through hooks passed with --settings', async () => {
    const at = await newHome();
    await seedClaude(at);
    const log = join(at.home, 'hooks.log');
    const hooks = await FileLines.watch(log);
    const pane = await claude(at, [], await claudeHookSettings(at.home, log));
    await pane.waitFor(idle);
    await pane.paste('hello there');
    await mock.waitForRequest(sentByUser('hello there'), 'the message');
    await pane.waitFor((s) => s.includes('echo: hello there') && idle(s));
    await hooks.until((lines) => (lines.some((l) => l.includes('"hook_event_name":"Stop"')) ? true : undefined), 'a Stop hook');
    const payloads = await hookPayloads(log);
    const start = payloads.find((p) => p.hook_event_name === 'SessionStart')!;
    expect(start).toMatchObject({ source: 'startup', cwd: at.project });
    expect(start.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(payloads.find((p) => p.hook_event_name === 'UserPromptSubmit')).toMatchObject({ session_id: start.session_id, prompt: 'hello there' });
    expect(payloads.find((p) => p.hook_event_name === 'Stop')).toMatchObject({ session_id: start.session_id, last_assistant_message: 'echo: hello there' });
    hooks.close();
    await pane.stop();
  });

  it('asks before running a Bash command, showing it; approved, the model gets a successful result', async () => {
    const at = await newHome();
    await seedClaude(at);
    const pane = await claude(at);
    await pane.waitFor(idle);
    await pane.paste('run: touch approved.txt');
    const screen = await pane.waitFor(/Do you want to proceed\?\n.*1\. Yes/);
    expect(screen).toMatch(/^ Bash command\n\n {3}touch approved\.txt$/m);
    await pane.keys('1');
    const answered = await mock.waitForRequest((r) => toolResults(r).some((t) => !t.isError && t.callId.startsWith('toolu_mock_')), 'a tool result');
    expect(latestTurn(answered)).toMatchObject({ toolResults: [{ isError: false }] });
    expect(existsSync(join(at.project, 'approved.txt'))).toBe(true);
    await pane.waitFor((s) => s.includes('tool finished: ok') && idle(s));
    await pane.stop();
  });

  it('refused at the prompt, the turn ends and the refusal reaches the model with the next message', async () => {
    const at = await newHome();
    await seedClaude(at);
    const pane = await claude(at);
    await pane.waitFor(idle);
    await pane.paste('run: touch refused.txt');
    await pane.waitFor(/Do you want to proceed\?/);
    await pane.keys('3');
    await pane.waitFor((s) => s.includes('What should Claude do instead?') && idle(s));
    await pane.paste('never mind');
    const next = await mock.waitForRequest(sentByUser('never mind'), 'the next message');
    expect(toolResults(next).at(-1)).toMatchObject({ isError: true });
    expect(toolResults(next).at(-1)?.output).toContain("doesn't want to proceed");
    expect(existsSync(join(at.project, 'refused.txt'))).toBe(false);
    await pane.stop();
  });

  it('lets a PermissionRequest hook deny, and the model gets the reason in the same turn', async () => {
    const at = await newHome();
    await seedClaude(at);
    const log = join(at.home, 'hooks.log');
    const pane = await claude(at, [], await claudeHookSettings(at.home, log, { marker: 'forbidden', reason: 'denied by policy: destructive' }));
    await pane.waitFor(idle);
    await pane.paste('run: touch forbidden.txt');
    const refused = await mock.waitForRequest((r) => toolResults(r).some((t) => t.output === 'denied by policy: destructive'), 'the hook’s refusal');
    expect(latestTurn(refused)).toMatchObject({ toolResults: [{ isError: true }] });
    await pane.waitFor((s) => s.includes('Denied by PermissionRequest hook') && idle(s));
    const asked = (await hookPayloads(log)).find((p) => p.hook_event_name === 'PermissionRequest');
    expect(asked).toMatchObject({ tool_name: 'Bash', tool_input: { command: 'touch forbidden.txt' } });
    await pane.stop();
  });

  it('resumes its conversation with --resume: the model receives the earlier turns', async () => {
    const at = await newHome();
    await seedClaude(at);
    const log = join(at.home, 'hooks.log');
    const settings = await claudeHookSettings(at.home, log);
    const first = await claude(at, [], settings);
    await first.waitFor(idle);
    await first.paste('remember the word teapot');
    await first.waitFor((s) => s.includes('echo: remember the word teapot') && idle(s));
    const id = (await hookPayloads(log)).find((p) => p.hook_event_name === 'SessionStart')!.session_id as string;
    await first.stop();
    const second = await claude(at, ['--resume', id], settings);
    await second.waitFor((s) => s.includes('remember the word teapot') && idle(s));
    await second.paste('what was the word?');
    const resumed = await mock.waitForRequest(sentByUser('what was the word?'), 'the resumed message');
    expect(userTexts(resumed).some((t) => t.includes('remember the word teapot'))).toBe(true);
    expect((await hookPayloads(log)).filter((p) => p.hook_event_name === 'SessionStart').at(-1)).toMatchObject({ session_id: id, source: 'resume' });
    await second.stop();
  });

  it('asks whether to trust a folder it has not seen, as a menu, before anything else', async () => {
    const at = await newHome();
    await seedClaude(at, { trusted: false });
    const pane = await claude(at);
    const screen = await pane.waitFor(/Yes, I trust this folder\n.*2\. No, exit/);
    expect(screen).toMatch(/Quick safety check: Is this a project you created or one you trust\?/);
    expect(screen).toMatch(/^ ❯ 1\. Yes, I trust this folder$/m);
    await pane.stop();
  });
});

describe('Codex', () => {
  /** An empty composer (its placeholder) with no "esc to interrupt" above it: the composer shows while working too. */
  const idle = (s: string): boolean => /^› Ask Codex to do anything$/m.test(s) && !/esc to interrupt/.test(s);

  async function codex(at: AgentHome, args: string[] = []): Promise<AgentPane> {
    // --no-daemon: no shared app-server daemon, which would outlive the pane.
    const argv = [process.execPath, codexLauncher(), '--no-daemon', ...args];
    return AgentPane.start(socket, `codex${++count}`, at.project, codexEnv(at), argv);
  }

  it('takes a pasted message followed by Enter, and its notify program reports the turn with its thread id', async () => {
    const at = await newHome();
    const log = join(at.home, 'notify.log');
    const notify = await FileLines.watch(log);
    await seedCodex(at, mock.url, { notify: ['/bin/sh', '-c', `printf '%s\\n' "$1" >> '${log}'`, 'notify'] });
    const pane = await codex(at);
    await pane.waitFor(idle);
    await pane.paste('hello codex');
    await mock.waitForRequest(sentByUser('hello codex'), 'the message');
    await pane.waitFor((s) => s.includes('echo: hello codex') && idle(s));
    const payload = await notify.until(
      (lines) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((p) => (p['input-messages'] as string[]).includes('hello codex')),
      'the turn’s notify payload',
    );
    expect(payload).toMatchObject({ type: 'agent-turn-complete', 'last-assistant-message': 'echo: hello codex', cwd: at.project });
    expect(await codexSessionIds(at)).toEqual([payload['thread-id']]);
    notify.close();
    await pane.stop();
  });

  it('asks before running a command, showing it; approved, the model gets its output', async () => {
    const at = await newHome();
    await seedCodex(at, mock.url);
    const pane = await codex(at);
    await pane.waitFor(idle);
    await pane.paste('run: touch approved.txt');
    const screen = await pane.waitFor(/Would you like to run the following command\?[\s\S]*1\. Yes, proceed \(y\)/);
    expect(screen).toMatch(/^ {2}\$ touch approved\.txt$/m);
    await pane.keys('y');
    const answered = await mock.waitForRequest((r) => 'toolResults' in latestTurn(r), 'a tool result');
    expect(latestTurn(answered)).toMatchObject({ toolResults: [{ isError: false }] });
    expect(toolResults(answered).at(-1)?.output).toContain('Process exited with code 0');
    expect(existsSync(join(at.project, 'approved.txt'))).toBe(true);
    await pane.waitFor((s) => s.includes('tool finished: ok') && idle(s));
    await pane.stop();
  });

  it('refused with Esc, the turn is interrupted and the model hears "aborted by user" with the next message', async () => {
    const at = await newHome();
    await seedCodex(at, mock.url);
    const pane = await codex(at);
    await pane.waitFor(idle);
    await pane.paste('run: touch refused.txt');
    await pane.waitFor(/Would you like to run the following command\?/);
    await pane.keys('Escape');
    await pane.waitFor((s) => s.includes('Conversation interrupted') && idle(s));
    await pane.paste('never mind');
    const next = await mock.waitForRequest(sentByUser('never mind'), 'the next message');
    expect(toolResults(next).at(-1)).toMatchObject({ isError: true });
    expect(toolResults(next).at(-1)?.output).toContain('aborted by user');
    expect(existsSync(join(at.project, 'refused.txt'))).toBe(false);
    await pane.stop();
  });

  it('resumes its conversation with `codex resume ID`: the model receives the earlier turns', async () => {
    const at = await newHome();
    await seedCodex(at, mock.url);
    const first = await codex(at);
    await first.waitFor(idle);
    await first.paste('remember the word kettle');
    await first.waitFor((s) => s.includes('echo: remember the word kettle') && idle(s));
    const [id] = await codexSessionIds(at);
    await first.stop();
    const second = await codex(at, ['resume', id!]);
    await second.waitFor((s) => s.includes('remember the word kettle') && idle(s));
    await second.paste('what was the word?');
    const resumed = await mock.waitForRequest(sentByUser('what was the word?'), 'the resumed message');
    expect(userTexts(resumed).some((t) => t.includes('remember the word kettle'))).toBe(true);
    await second.stop();
  });

  it('asks whether to trust a git repository it has not seen, as a menu', async () => {
    const at = await gitHome();
    await seedCodex(at, mock.url, { trusted: false });
    const pane = await codex(at);
    const screen = await pane.waitFor(/› 1\. Trust and continue\n.*2\. /);
    expect(screen).toMatch(/^ {2}Trust this folder\? Codex can read, edit, and run files here/m);
    await pane.stop();
  });
});
