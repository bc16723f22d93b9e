import { describe, expect, it } from 'vitest';
import { AgentLauncher, claudeCommand, claudeHookSettings, codexCommand } from '../../daemon/agents/launch.js';
import { readClaude, readCodex } from '../../daemon/agents/hooks.js';

const claude = { agent: 'claude' as const, id: '6f1c1d1e-0000-4000-8000-000000000001' };
const codex = { agent: 'codex' as const, id: '019a0000-0000-7000-8000-000000000002' };

describe('agent launch', () => {
  it('gives Claude its hook settings and resumes its conversation, unless the command picks one', () => {
    expect(claudeCommand(['claude'], '/s/claude-settings.json', null)).toEqual(['claude', '--settings', '/s/claude-settings.json']);
    expect(claudeCommand(['claude', 'fix it'], '/s/c.json', claude)).toEqual(['claude', 'fix it', '--settings', '/s/c.json', '--resume', claude.id]);
    expect(claudeCommand(['claude', '--continue'], null, claude)).toEqual(['claude', '--continue']);
    expect(claudeCommand(['claude'], null, codex)).toEqual(['claude']);
  });

  it('gives Codex its notify program and resumes its thread after the launcher', () => {
    const notify = ['-c', 'notify=["/d/sessd-hook","codex"]'];
    expect(codexCommand(['codex'], '/d/sessd-hook', null)).toEqual(['codex', ...notify]);
    expect(codexCommand(['node', '/m/codex.js', '--no-daemon'], '/d/sessd-hook', codex)).toEqual(['node', '/m/codex.js', 'resume', codex.id, ...notify, '--no-daemon']);
    expect(codexCommand(['codex', 'exec', 'x'], null, codex)).toEqual(['codex', 'exec', 'x']);
  });

  it('starts a fork on a fork of the source’s conversation', () => {
    expect(claudeCommand(['claude'], null, { ...claude, fork: true })).toEqual(['claude', '--resume', claude.id, '--fork-session']);
    expect(codexCommand(['codex', '--no-daemon'], null, { ...codex, fork: true }, '/w/fork')).toEqual(['codex', 'fork', codex.id, '-C', '/w/fork', '--no-daemon']);
  });

  it('leaves a command alone that does not run the agent its profile reads (a wrapper, a test program)', async () => {
    const launcher = await AgentLauncher.prepare(null, '/nonexistent');
    const conversation = { agent: 'claude' as const, id: 'c1' };
    expect(launcher.command({ agent: 'claude', command: ['sleep', '1000'], agentSession: conversation })).toEqual(['sleep', '1000']);
    expect(launcher.command({ agent: 'codex', command: ['./my-codex-wrapper.sh'], agentSession: null })).toEqual(['./my-codex-wrapper.sh']);
    expect(launcher.command({ agent: 'claude', command: ['/opt/bin/claude'], agentSession: conversation })).toEqual(['/opt/bin/claude', '--resume', 'c1']);
  });

  it('runs the forwarder for every hook event, quoted for the shell', () => {
    const settings = claudeHookSettings("/it's/sessd-hook") as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(Object.keys(settings.hooks)).toContain('PermissionRequest');
    expect(settings.hooks.Stop![0]!.hooks[0]!.command).toBe("'/it'\\''s/sessd-hook' claude");
  });
});

describe('hook events', () => {
  it('reads Claude’s activity, conversation and approvals', () => {
    expect(readClaude({ hook_event_name: 'UserPromptSubmit', session_id: 'a' })).toEqual({ conversation: 'a', activity: 'busy', detail: null });
    expect(readClaude({ hook_event_name: 'Stop', session_id: 'a' }).activity).toBe('idle');
    expect(readClaude({ hook_event_name: 'SessionStart', session_id: 'a' })).toEqual({ conversation: 'a', activity: null, detail: null });
    expect(readClaude({ hook_event_name: 'PermissionRequest', session_id: 'a', tool_name: 'Bash', tool_input: { command: 'rm x' } })).toEqual({
      conversation: 'a',
      activity: 'waiting',
      detail: { tool: 'Bash', command: 'rm x', input: { command: 'rm x' }, source: 'hook' },
    });
  });

  it('reads Codex’s finished turns only', () => {
    expect(readCodex({ type: 'agent-turn-complete', 'thread-id': 't' })).toEqual({ conversation: 't', activity: null, detail: null });
    expect(readCodex({ type: 'something-else', 'thread-id': 't' }).activity).toBeNull();
  });
});
