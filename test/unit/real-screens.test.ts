import { describe, expect, it } from 'vitest';
import { Profiles } from '../../daemon/activity/profiles.js';
import { read, type Reading } from '../../daemon/activity/screen.js';
import { realScreen } from '../helpers/real-screens.js';

/**
 * The built-in profiles on screens recorded from the real Claude Code and Codex
 * (test/fixtures/screens/REAL.md), with the cursor where the program left it.
 * `it.fails` marks what the profiles still misread: such a case fails the run once
 * the profile reads it right, so the mark goes with the fix.
 */
const profiles = new Profiles();

function reading(profile: 'claude' | 'codex', name: string): Reading {
  const { rows, cursor } = realScreen(name);
  return read(profiles.get(profile), { rows, cursorRow: cursor.y });
}

describe('claude on real Claude Code screens', () => {
  it.each([
    ['real-claude-idle', 'idle'],
    ['real-claude-answered', 'idle'],
    ['real-claude-denied', 'idle'],
    ['real-claude-busy', 'busy'],
    ['real-claude-api-unreachable', 'busy'],
    ['real-claude-apikey', 'waiting'],
    ['real-claude-approval', 'waiting'],
  ])('%s: %s', (name, activity) => {
    expect(reading('claude', name).activity).toBe(activity);
  });

  it('reads the permission prompt: the question and the choices in screen order', () => {
    const { prompt } = reading('claude', 'real-claude-approval');
    expect(prompt?.prompt).toBe('Do you want to proceed?');
    expect(prompt?.choices.map((c) => [c.id, c.label])).toEqual([
      ['1', 'Yes'],
      ['2', 'Yes, and always allow access to proj2/ from this project'],
      ['3', 'No'],
    ]);
  });

  it('does not take the first-run "Unable to connect to Anthropic services" for idle', () => {
    expect(reading('claude', 'real-claude-unreachable').activity).not.toBe('idle');
  });

  it.fails('reads the folder-trust dialog as waiting, with its two choices', () => {
    const r = reading('claude', 'real-claude-trust');
    expect(r.activity).toBe('waiting');
    expect(r.prompt?.choices.map((c) => c.label)).toEqual(['Yes, I trust this folder', 'No, exit']);
  });
});

describe('codex on real Codex screens', () => {
  it.each([
    ['real-codex-idle', 'idle'],
    ['real-codex-answered', 'idle'],
    ['real-codex-denied', 'idle'],
    ['real-codex-busy', 'busy'],
    ['real-codex-approval', 'waiting'],
  ])('%s: %s', (name, activity) => {
    expect(reading('codex', name).activity).toBe(activity);
  });

  it('reads the approval with its shortcut keys', () => {
    const { prompt } = reading('codex', 'real-codex-approval');
    expect(prompt?.prompt).toBe('Would you like to run the following command?');
    expect(prompt?.choices.map((c) => [c.id, c.key])).toEqual([
      ['1', 'y'],
      ['2', 'p'],
      ['3', 'esc'],
    ]);
  });

  it('does not call a composer holding unsent text idle when the Enter became a newline', () => {
    expect(reading('codex', 'real-codex-burst-enter').activity).not.toBe('idle');
  });

  it.fails.each(['real-codex-splash', 'real-codex-startup-queued', 'real-codex-pasted-long'])('does not call %s idle', (name) => {
    expect(reading('codex', name).activity).not.toBe('idle');
  });

  it.fails('reads the folder-trust dialog as waiting, with its two choices', () => {
    const r = reading('codex', 'real-codex-trust');
    expect(r.activity).toBe('waiting');
    expect(r.prompt?.choices.map((c) => c.label)).toEqual(['Trust and continue', 'Back to Agent Command Center']);
  });
});
