import { describe, expect, it } from 'vitest';
import { Profiles } from '../../daemon/activity/profiles.js';
import { classify, QUIET_MS, type History } from '../../daemon/activity/classify.js';
import { read, type Reading } from '../../daemon/activity/screen.js';
import { realScreen } from '../helpers/real-screens.js';

/**
 * The built-in profiles on screens recorded from the real Claude Code and Codex
 * (test/fixtures/screens/REAL.md), with the cursor where the program left it.
 */
const profiles = new Profiles();

function reading(profile: 'claude' | 'codex', name: string): Reading {
  const { rows, cursor } = realScreen(name);
  return read(profiles.get(profile), { rows, cursorRow: cursor.y, cursorCol: cursor.x });
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

  it('reads what is to be approved: the tool, its command and description', () => {
    expect(reading('claude', 'real-claude-approval').prompt?.detail).toEqual({ tool: 'Bash', command: 'echo hi > out.txt', description: 'Run the command' });
  });

  it('reports the first-run "Unable to connect to Anthropic services" as a problem, not idle', () => {
    const r = reading('claude', 'real-claude-unreachable');
    expect(r.activity).toBe('unknown');
    expect(r.problem).toBe('Unable to connect to Anthropic services: Failed to connect to api.anthropic.com: ENOTFOUND');
  });

  it('notes the API retry line while it keeps trying (busy)', () => {
    const r = reading('claude', 'real-claude-api-unreachable');
    expect(r.activity).toBe('busy');
    expect(r.problem).toMatch(/^✻ Unable to connect to API \(ConnectionRefused\) · Retrying in 10s/);
  });

  it('has no problem to report on its ordinary screens', () => {
    for (const name of ['real-claude-idle', 'real-claude-busy', 'real-claude-approval', 'real-claude-trust']) expect(reading('claude', name).problem).toBeNull();
  });

  it('reads the folder-trust dialog (its question wrapped over two rows) as waiting, with its two choices', () => {
    const r = reading('claude', 'real-claude-trust');
    expect(r.activity).toBe('waiting');
    expect(r.prompt?.prompt).toBe('Is this a project you created or one you trust?');
    expect(r.prompt?.choices.map((c) => c.label)).toEqual(['Yes, I trust this folder', 'No, exit']);
  });

  it('does not take a menu row under the cursor for the input row', () => {
    const { rows, cursor } = realScreen('real-claude-trust');
    // Without the question above it, the menu is nothing recognisable: never idle.
    const menuOnly = rows.map((r, i) => (i < cursor.y ? '' : r));
    expect(read(profiles.get('claude'), { rows: menuOnly, cursorRow: cursor.y, cursorCol: cursor.x }).activity).not.toBe('idle');
  });

  it('does not call an input row holding typed text idle', () => {
    const { rows, cursor } = realScreen('real-claude-idle');
    const typed = rows.map((r, i) => (i === cursor.y ? '❯\u00a0hello' : r));
    expect(read(profiles.get('claude'), { rows: typed, cursorRow: cursor.y, cursorCol: 8 }).activity).not.toBe('idle');
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
    expect(prompt?.detail).toEqual({ tool: 'shell', command: 'touch made.txt', reason: 'Run the command' });
  });

  it('does not call a composer holding unsent text idle when the Enter became a newline', () => {
    expect(reading('codex', 'real-codex-burst-enter').activity).not.toBe('idle');
  });

  it.each(['real-codex-splash', 'real-codex-startup-queued', 'real-codex-pasted-long'])('does not call %s idle', (name) => {
    expect(reading('codex', name).activity).not.toBe('idle');
  });

  describe('between the model’s tool call and its approval (the composer drawn, no working sign)', () => {
    // real-codex-busy with its "• Working (…esc to interrupt)" row as it is in that
    // moment: gone (the user's message is the last entry), or the model's message.
    const { rows, cursor } = realScreen('real-codex-busy');
    const working = rows.findIndex((r) => r.includes('esc to interrupt'));
    const frames = {
      'no answer yet': rows.map((r, i) => (i === working ? '' : r)),
      'the model’s message': rows.map((r, i) => (i === working ? '• I will create the file.' : r)),
    };
    const history = (quiet: boolean): History => ({ activity: 'busy', printed: !quiet, quiet, quietArmed: true, spoke: true, prefaced: false, sinceStartMs: 10_000 });

    it.each(Object.entries(frames))('%s: busy while output comes, idle only once quiet', (_, frame) => {
      const screen = { rows: frame, cursorRow: cursor.y, cursorCol: cursor.x };
      expect(read(profiles.get('codex'), screen)).toMatchObject({ activity: null, unfinished: true });
      expect(classify(profiles.get('codex'), screen, history(false))).toMatchObject({ activity: 'busy', quiet: { arm: QUIET_MS } });
      expect(classify(profiles.get('codex'), screen, history(true))).toMatchObject({ activity: 'idle' });
    });

    it('a turn that is over ("Worked for …", or interrupted) is idle at once', () => {
      for (const name of ['real-codex-answered', 'real-codex-denied', 'real-codex-idle']) expect(reading('codex', name)).toMatchObject({ activity: 'idle' });
      expect(reading('codex', 'real-codex-answered').unfinished).toBe(undefined);
    });
  });

  it('reads the folder-trust dialog as waiting, with its two choices', () => {
    const r = reading('codex', 'real-codex-trust');
    expect(r.activity).toBe('waiting');
    expect(r.prompt?.prompt).toBe('Trust this folder?');
    expect(r.prompt?.choices.map((c) => c.label)).toEqual(['Trust and continue', 'Back to Agent Command Center']);
  });
});
