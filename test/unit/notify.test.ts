import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../daemon/config/config.js';
import { describe as describeNotice, expandArgv, findRule, ruleMatches, triggerOf, type Notice } from '../../daemon/notify/rules.js';
import type { Interaction, SessdEvent, Session } from '../../shared/protocol/model.js';

const session = (over: Partial<Session> = {}): Session =>
  ({ id: 's1', name: 'review', space: 'agents', agent: 'claude', labels: { team: 'web' }, status: 'running', activity: 'waiting', cwd: '/src', exitCode: null, command: ['claude'], restarts: 0, restartPolicy: 'never', ...over }) as Session;
const event = (type: SessdEvent['type'], data: SessdEvent['data']): SessdEvent => ({ seq: 1, time: '2026-01-01T00:00:00.000Z', type, sessionId: 's1', data });
const rules = (yaml: string) => {
  const parsed = parseConfigText('/c.yaml', yaml, '/home/u');
  if ('problem' in parsed) throw new Error(parsed.problem.message);
  return parsed.config.notify;
};

describe('notify rules', () => {
  it('reads rules, with one trigger or many, `after` in ms, and refuses a rule with no action or a bad trigger', () => {
    const [a, b] = rules("notify:\n  - on: waiting\n    bell: true\n  - name: x\n    on: [crashed, idle]\n    after: 2m\n    webhook: {url: 'http://127.0.0.1:1/h'}\n");
    expect(a).toMatchObject({ on: ['waiting'], bell: true });
    expect(b).toMatchObject({ name: 'x', on: ['crashed', 'idle'], after: 120_000 });
    expect(parseConfigText('/c.yaml', 'notify:\n  - on: waiting\n', '/h')).toMatchObject({ problem: { field: 'notify.0' } });
    expect(JSON.stringify(parseConfigText('/c.yaml', 'notify:\n  - on: waiting\n', '/h'))).toMatch(/needs an action/);
    expect(parseConfigText('/c.yaml', 'notify:\n  - on: asleep\n    bell: true\n', '/h')).toMatchObject({ problem: { line: 2, field: 'notify.0.on' } });
    expect(parseConfigText('/c.yaml', 'notify:\n  - on: waiting\n    webhook: {url: ftp://x}\n', '/h')).toMatchObject({ problem: { field: 'notify.0.webhook.url' } });
  });

  it('turns events into triggers', () => {
    expect(triggerOf(event('session.activity', { activity: 'waiting', previous: 'busy' }))).toBe('waiting');
    expect(triggerOf(event('session.activity', { activity: 'idle', previous: 'busy' }))).toBe('idle');
    expect(triggerOf(event('session.activity', { activity: 'idle', previous: 'unknown' }))).toBeNull();
    expect(triggerOf(event('session.status', { status: 'crashed', previous: 'running' }))).toBe('crashed');
    expect(triggerOf(event('session.status', { status: 'running', previous: 'exited', reason: 'restart policy on-failure' }))).toBe('restarted');
    expect(triggerOf(event('session.status', { status: 'running', previous: 'stopped' }))).toBeNull();
  });

  it('filters by space, agent and labels, and finds a rule by name or number', () => {
    const [rule] = rules("notify:\n  - on: waiting\n    where: {space: [agents, ops], agent: claude, labels: {team: web}}\n    bell: true\n");
    expect(ruleMatches(rule!, session())).toBe(true);
    expect(ruleMatches(rule!, session({ space: 'default' }))).toBe(false);
    expect(ruleMatches(rule!, session({ labels: {} }))).toBe(false);
    expect(ruleMatches(rule!, session({ agent: 'codex' }))).toBe(false);
    const two = rules("notify:\n  - name: a\n    on: waiting\n    bell: true\n  - on: exited\n    bell: true\n");
    expect([findRule(two, 'a'), findRule(two, '2'), findRule(two, '#2'), findRule(two, '3'), findRule(two, 'b')]).toEqual([0, 1, 1, -1, -1]);
  });

  it('says who waits and for what', () => {
    const approval = { kind: 'approval', prompt: 'Do you want to proceed?', choices: [{ id: '1', label: 'Yes' }], detail: { tool: 'Bash', command: 'npm test', description: 'Run the tests' } } as Interaction;
    expect(describeNotice('waiting', session(), approval, null)).toEqual({ title: 'agents/review wants to run `npm test`', message: 'Run the tests' });
    const edit = { ...approval, detail: { tool: 'Edit', input: { file_path: '/src/a.ts' } } } as Interaction;
    expect(describeNotice('waiting', session(), edit, null).title).toBe('agents/review wants to use Edit on /src/a.ts');
    const question = { kind: 'question', prompt: 'Which branch?', choices: [], detail: null } as unknown as Interaction;
    expect(describeNotice('waiting', session({ space: 'default' }), question, null).title).toBe('review asks: Which branch?');
    expect(describeNotice('waiting', session(), null, null).title).toBe('agents/review is waiting for you');
    expect(describeNotice('idle', session(), null, 75_000).title).toBe('agents/review is done after 1m15s');
    expect(describeNotice('exited', session({ status: 'exited', exitCode: 2 }), null, null).title).toBe('agents/review exited with status 2');
  });

  it('fills placeholders, each argument staying one argument', () => {
    const notice = { trigger: 'waiting', rule: 'r', title: 'a b', message: 'm', session: session() } as unknown as Notice;
    expect(expandArgv(['notify', '{session.name}', '{session.ref}: {title}', '{nope}', '{trigger}'], notice)).toEqual(['notify', 'review', 'agents/review: a b', '{nope}', 'waiting']);
  });
});
