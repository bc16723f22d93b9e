import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditListRequest,
  DaemonStatusRequest,
  InteractionListRequest,
  PolicyTestRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionSendRequest,
  SessionUpdateRequest,
  type AuditEntry,
  type Interaction,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import { claudeBinary, claudeEnv, codexEnv, codexLauncher, seedClaude, seedCodex, type AgentHome, newHome } from '../helpers/agents.js';
import type { TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { sess } from '../helpers/sess.js';
import { latestTurn, MockModel, toolResults, userTexts, type RecordedRequest, type Reply } from '../helpers/mock-model.js';

/**
 * Approval policies with the real Claude Code (answered through its PermissionRequest
 * hook) and Codex (answered by keys, the reason of a refusal following as a message),
 * against the mock model: an allowed command runs without a person, a denied one is
 * refused with its reason reaching the model, an unmatched one stays open, and the
 * audit list holds each decision.
 */

const REASON = 'destructive, ask a person';
const h = useDaemon({
  config: [
    'policies:',
    '  - name: allowed',
    "    match: {command: '^touch allowed\\.txt$'}",
    '    decide: approve',
    "  - match: {command: '^touch forbidden'}",
    '    decide: deny',
    `    reason: ${REASON}`,
    '',
  ].join('\n'),
});

/** `run: CMD` makes the model call the shell with CMD; a tool result is acknowledged. */
function scripted(request: RecordedRequest): Reply {
  const turn = latestTurn(request);
  if ('toolResults' in turn) return { text: `tool finished: ${turn.toolResults.map((r) => (r.isError ? 'refused' : 'ok')).join(', ')}` };
  const command = /run: (.+)$/m.exec(turn.text)?.[1];
  if (command !== undefined) return { command, text: 'Running it.' };
  return { text: `echo: ${turn.text.trim().split('\n').at(-1) ?? ''}` };
}

let mock: MockModel;
let client: TestClient;

beforeAll(async () => {
  mock = await MockModel.start(scripted);
  client = await h.connect();
  await client.subscribe({ types: ['interaction.opened', 'interaction.decided'] });
});

afterAll(async () => {
  await mock.close();
});


const of = (s: Session, type: SessdEvent['type']) => (e: SessdEvent) => e.type === type && e.sessionId === s.id;
/** Queued for the session's next idle: each turn starts once the one before is over. */
const ask = (s: Session, text: string) => h.client.request(SessionSendRequest, { session: s.id, text, when: 'idle' });
/** The tool result of the command `command` ran (or refused), as the model received it. */
const resultOf = (api: RecordedRequest['api'], command: string, isError: boolean) => (r: RecordedRequest) =>
  r.api === api && userTexts(r).some((t) => t.includes(`run: ${command}`)) && toolResults(r).some((t) => t.isError === isError) && 'toolResults' in latestTurn(r);

/** The three outcomes, in order: approved and run, refused with the reason told, left open. */
async function threeApprovals(s: Session, at: AgentHome, api: RecordedRequest['api'], refusalReached: (r: RecordedRequest) => boolean): Promise<Interaction> {
  await ask(s, 'run: touch allowed.txt');
  await mock.waitForRequest(resultOf(api, 'touch allowed.txt', false), 'the allowed command’s result');
  expect(existsSync(join(at.project, 'allowed.txt'))).toBe(true);

  await ask(s, 'run: touch forbidden.txt');
  await mock.waitForRequest((r) => r.api === api && refusalReached(r), 'the refusal with its reason');
  expect(existsSync(join(at.project, 'forbidden.txt'))).toBe(false);

  const mark = client.events.length;
  await ask(s, 'run: touch other.txt');
  const open = (await client.waitForEvent(of(s, 'interaction.opened'), mark)).data as unknown as Interaction;
  await client.waitForEvent((e) => of(s, 'interaction.decided')(e) && e.data.interactionId === open.id, mark);
  const { interactions } = await h.client.request(InteractionListRequest, { session: s.id, status: 'open' });
  expect(interactions.map((i) => i.id)).toEqual([open.id]);
  expect(existsSync(join(at.project, 'other.txt'))).toBe(false);
  return open;
}

/** Writes the file whole, aside then renamed: the daemon's watcher never reads it half written. */
async function replace(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

/** The session's audit list. */
async function audit(s: Session): Promise<AuditEntry[]> {
  return (await h.client.request(AuditListRequest, { session: s.id })).entries;
}
/** Each entry as [decision, by, rule index, via]. */
const summary = (entries: AuditEntry[]) => entries.map((e) => [e.decision, e.by, e.rule?.index ?? null, e.via]);

/** Claude Code, answered through its hook: allowed runs, denied tells the model the reason, unmatched stays open. */
async function claudeThroughItsHook(): Promise<void> {
  const at = await newHome();
  await seedClaude(at);
  const s = await h.client.request(SessionCreateRequest, { name: 'claude', command: [claudeBinary()], cwd: at.project, env: claudeEnv(at, mock.url), agent: 'claude' });
  const refused = (r: RecordedRequest) => toolResults(r).some((t) => t.isError && t.output.includes(`Refused by policy: ${REASON}`));
  const open = await threeApprovals(s, at, 'anthropic', refused);
  // Decided through the hook: no dialog opened for the first two.
  expect(client.events.filter(of(s, 'interaction.opened')).map((e) => e.data.id)).toEqual([open.id]);

  const tested = await h.client.request(PolicyTestRequest, { session: s.id });
  expect(tested).toMatchObject({ decision: 'ask', rule: null, reason: 'no rule matched', detail: { tool: 'Bash', command: 'touch other.txt' } });
  expect(tested.trace.map((t) => t.outcome)).toEqual(['match: command does not match', 'match: command does not match']);
  const sample = await h.client.request(PolicyTestRequest, { session: s.id, detail: { tool: 'Bash', command: 'touch forbidden.txt' } });
  expect(sample).toMatchObject({ decision: 'deny', rule: { index: 1, name: null }, reason: REASON });
  // The CLI says the same, and a person's answer through it is recorded as the CLI's.
  expect((await sess(h.paths, ['policy', 'test', 'claude'])).stdout).toContain('decision  ask by no rule: no rule matched');
  expect((await sess(h.paths, ['deny', 'claude'])).code).toBe(0);
  const listed = await sess(h.paths, ['audit', 'claude']);
  expect(listed.stdout).toMatch(/approve +rule 0 \(allowed\) +Bash: touch allowed\.txt/);
  expect(listed.stdout).toMatch(/deny +cli \(sess [^)]+\) +Bash: touch other\.txt/);

  const entries = await audit(s);
  expect(summary(entries)).toEqual([
    ['approve', 'policy', 0, 'hook'],
    ['deny', 'policy', 1, 'hook'],
    ['ask', 'policy', null, null],
    ['deny', 'cli', null, 'keys'],
  ]);
  expect(entries[0]).toMatchObject({ interactionId: null, rule: { name: 'allowed' }, detail: { tool: 'Bash', command: 'touch allowed.txt' } });
  expect(entries[1]).toMatchObject({ reason: REASON, detail: { command: 'touch forbidden.txt' } });
  expect(entries[3]).toMatchObject({ interactionId: open.id, response: '3' });
  expect(entries[3]!.client).toMatch(/^sess /);
  expect(client.events.filter(of(s, 'interaction.decided')).map((e) => e.data.id)).toEqual(entries.map((e) => e.id));
  await h.client.request(SessionDeleteRequest, { session: s.id, force: true });
  expect((await h.client.request(AuditListRequest, {})).entries.filter((e) => e.sessionId === s.id)).toEqual([]);
}

/** Codex, answered by keys, its refusal's reason following as a message; a session can pause the policies. */
async function codexByKeys(): Promise<void> {
  const at = await newHome();
  await seedCodex(at, mock.url);
  // --no-daemon: no shared app-server daemon, which would outlive the session.
  const s = await h.client.request(SessionCreateRequest, { name: 'codex', command: [process.execPath, codexLauncher(), '--no-daemon'], cwd: at.project, env: codexEnv(at), agent: 'codex' });
  const told = (r: RecordedRequest) => userTexts(r).some((t) => t.includes(`Refused by policy: ${REASON}`)) && toolResults(r).some((t) => t.isError);
  const open = await threeApprovals(s, at, 'openai', told);

  const entries = await audit(s);
  expect(summary(entries)).toEqual([
    ['approve', 'policy', 0, 'keys'],
    ['deny', 'policy', 1, 'keys'],
    ['ask', 'policy', null, null],
  ]);
  // Each was an interaction on screen, answered (or left open) by the policy.
  expect(entries.every((e) => e.interactionId !== null && e.detail?.tool === 'shell')).toBe(true);
  expect(entries[2]!.interactionId).toBe(open.id);

  const paused = await h.client.request(SessionUpdateRequest, { session: s.id, policy: 'off' });
  expect(paused.policy).toBe('off');
  const sample = await h.client.request(PolicyTestRequest, { session: s.id, detail: { tool: 'shell', command: 'touch allowed.txt' } });
  expect(sample).toMatchObject({ decision: 'ask', policy: 'off', reason: 'policies are off for this session' });
  expect((await h.client.request(DaemonStatusRequest, {})).policies).toEqual({ rules: 2, approveAny: [] });
  await h.client.request(SessionDeleteRequest, { session: s.id, force: true });
}

describe('approval policies', () => {
  // Both agents at once (each its own session and API): the file's time is the slower one's.
  it('answer Claude Code through its hook and Codex by keys: allowed runs, denied tells the model the reason, unmatched stays open', async () => {
    await Promise.all([claudeThroughItsHook(), codexByKeys()]);
  });

  it('reload with the file: a bad regular expression is refused with its line, an approve-all rule is named', async () => {
    const file = join(h.dir, 'config.yaml');
    await replace(file, "policies:\n  - match:\n      command: '(unclosed'\n    decide: deny\n");
    const refused = await h.daemon.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('config not reloaded'));
    expect(refused.msg).toContain(`${file}:3:16: policies.0.match.command: not a valid regular expression`);
    expect((await h.client.request(DaemonStatusRequest, {})).policies?.rules).toBe(2);

    await replace(file, 'policies:\n  - {name: trusted, where: {labels: {trust: full}}, match: any, decide: approve}\n');
    await h.daemon.waitForLog((l) => l.msg === 'config reloaded');
    expect((await h.client.request(DaemonStatusRequest, {})).policies).toEqual({ rules: 1, approveAny: [{ index: 0, name: 'trusted' }] });
    expect((await sess(h.paths, ['daemon', 'status'])).stdout).toMatch(/^policies +1 rules; APPROVES ANYTHING it applies to: rule 0 \(trusted\)/m);
  });
});
