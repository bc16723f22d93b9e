import { describe, expect, it } from 'vitest';
import { Profiles } from '../../daemon/activity/profiles.js';
import { answerFor, read } from '../../daemon/activity/screen.js';
import { fixtureScreen as screen } from '../helpers/fixture-screens.js';

const profiles = new Profiles();

describe('built-in profiles read the programs’ screens', () => {
  const cases: [profile: string, screen: string, activity: string | null][] = [
    ['claude', 'claude-idle', 'idle'],
    ['claude', 'claude-busy', 'busy'],
    ['claude', 'claude-approval', 'waiting'],
    ['claude', 'claude-trust', 'waiting'],
    ['codex', 'codex-idle', 'idle'],
    ['codex', 'codex-busy', 'busy'],
    ['codex', 'codex-approval', 'waiting'],
    ['aider', 'aider-idle', 'idle'],
    ['aider', 'aider-busy', 'busy'],
    ['aider', 'aider-add-file', 'waiting'],
    ['aider', 'aider-run-shell', 'waiting'],
    ['shell', 'shell-idle', 'idle'],
    ['shell', 'shell-running', null],
    ['shell', 'shell-apt', 'waiting'],
    ['shell', 'shell-sudo', 'waiting'],
    ['generic', 'shell-apt', 'waiting'],
    ['generic', 'claude-busy', null],
  ];
  it.each(cases)('%s on %s: %s', (profile, name, activity) => {
    expect(read(profiles.get(profile), screen(name)).activity).toBe(activity);
  });

  it('reads Claude Code’s permission menu: the question, its choices in order, digits to answer', () => {
    const { prompt } = read(profiles.get('claude'), screen('claude-approval'));
    expect(prompt?.kind).toBe('approval');
    expect(prompt?.prompt).toBe('Do you want to proceed?');
    expect(prompt?.choices.map((c) => [c.id, c.label])).toEqual([
      ['1', 'Yes'],
      ['2', "Yes, and don't ask again for npm test commands in /home/dev/shop"],
      ['3', 'No, and tell Claude what to do differently'],
    ]);
    expect(answerFor(prompt!.spec, { choice: prompt!.choices[0]! })).toEqual({ keys: ['1'] });
  });

  it('reads Codex’s approval with its shortcut keys, and answers with the key', () => {
    const { prompt } = read(profiles.get('codex'), screen('codex-approval'));
    expect(prompt?.prompt).toBe('Would you like to run the following command?');
    expect(prompt?.choices.map((c) => [c.id, c.key])).toEqual([
      ['1', 'y'],
      ['2', 'a'],
      ['3', 'esc'],
    ]);
    expect(answerFor(prompt!.spec, { choice: prompt!.choices[0]! })).toEqual({ keys: ['y'] });
    expect(answerFor(prompt!.spec, { choice: prompt!.choices[2]! })).toEqual({ keys: ['Escape'] });
  });

  it('reads aider’s inline choices and answers with a letter and Enter', () => {
    const { prompt } = read(profiles.get('aider'), screen('aider-add-file'));
    expect(prompt?.choices.map((c) => [c.id, c.label])).toEqual([
      ['y', 'Yes'],
      ['n', 'No'],
      ['d', "Don't ask again"],
    ]);
    expect(answerFor(prompt!.spec, { choice: prompt!.choices[1]! })).toEqual({ text: 'n', submit: true });
  });

  it('takes a password prompt as a free-text question', () => {
    const { prompt } = read(profiles.get('shell'), screen('shell-sudo'));
    expect(prompt).toMatchObject({ kind: 'question', choices: [] });
  });

  it('does not take a question for waiting once output has moved on below it', () => {
    const s = screen('claude-approval');
    s.rows.push('● Running npm test…', '  ⎿  PASS deploy.test.ts');
    expect(read(profiles.get('claude'), s).activity).not.toBe('waiting');
  });

  it('does not take a shell prompt for idle when the cursor is on another row', () => {
    const s = screen('shell-idle');
    expect(read(profiles.get('shell'), { rows: s.rows, cursorRow: s.rows.length }).activity).toBeNull();
  });
});

describe('profiles from the config file', () => {
  it('extends a built-in, overrides its fields, and is used by name', () => {
    const p = new Profiles();
    expect(p.configure({ mybot: { extends: 'shell', idle: ['^bot> ?$'], quiet: 'idle' } })).toBeNull();
    const mybot = p.get('mybot');
    expect(mybot.prompts).toEqual(p.get('shell').prompts);
    expect(read(mybot, { rows: ['hello', 'bot>'], cursorRow: 1 }).activity).toBe('idle');
    expect(mybot.quiet).toBe('idle');
  });

  it('refuses a bad pattern and names the field, keeping what it had', () => {
    const p = new Profiles();
    p.configure({ good: { idle: ['^ok>$'] } });
    expect(p.configure({ bad: { idle: ['(unclosed'] } })).toMatch(/^agents\.bad\.idle\.0: not a regular expression/);
    expect(p.configure({ bad: { extends: 'nope' } })).toBe('agents.bad.extends: no profile nope');
    expect(p.list().map((x) => x.name)).toContain('good');
  });

  it('takes the README example: a question with fixed choices answered by text', () => {
    const p = new Profiles();
    const error = p.configure({
      mybot: {
        extends: 'generic',
        idle: ['^mybot> ?$'],
        busy: ['thinking'],
        prompts: [
          {
            question: '^Deploy to (staging|prod)\\?$',
            choices: { fixed: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] },
            answer: { text: '{id}' },
            submit: true,
            approve: '^Yes',
            deny: '^No',
          },
        ],
      },
    });
    expect(error).toBeNull();
    const { prompt } = read(p.get('mybot'), { rows: ['Deploy to prod?'], cursorRow: 0 });
    expect(answerFor(prompt!.spec, { choice: prompt!.choices[0]! })).toEqual({ text: 'y', submit: true });
  });

  it('reads an unknown profile name like generic', () => {
    expect(new Profiles().get('no-such').name).toBe('generic');
  });
});
