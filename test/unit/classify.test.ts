import { describe, expect, it } from 'vitest';
import type { Activity } from '../../shared/protocol/model.js';
import { classify, QUIET_MS, SILENT_START_MS, type History, type Verdict } from '../../daemon/activity/classify.js';
import { PrefaceFilter } from '../../daemon/activity/preface.js';
import { Profiles } from '../../daemon/activity/profiles.js';
import type { Screen } from '../../daemon/activity/screen.js';
import { fixtureScreen, fixtureScreenNames } from '../helpers/fixture-screens.js';

const profiles = new Profiles();

/** A program that has been printing for a while: output came since the last reading. */
const printing: History = { activity: 'busy', printed: true, quiet: false, quietArmed: true, spoke: true, prefaced: false, sinceStartMs: 10_000 };
/** The same program once its output stayed quiet for QUIET_MS: the quiet timer's reading. */
const quiet: History = { ...printing, printed: false, quiet: true, quietArmed: false };
const blank: Screen = { rows: ['', '', ''], cursorRow: 0 };

function activityOf(verdict: Verdict): Activity | 'silent' {
  return verdict.kind === 'silent' ? 'silent' : verdict.activity;
}

/** Every recorded screen, read by the profile its name starts with: what it shows, and what it means once quiet. */
const FIXTURES: Record<string, { printing: Activity; quiet: Activity }> = {
  'aider-add-file': { printing: 'waiting', quiet: 'waiting' },
  'aider-busy': { printing: 'busy', quiet: 'busy' },
  'aider-idle': { printing: 'idle', quiet: 'idle' },
  'aider-run-shell': { printing: 'waiting', quiet: 'waiting' },
  'claude-approval': { printing: 'waiting', quiet: 'waiting' },
  'claude-busy': { printing: 'busy', quiet: 'busy' },
  'claude-idle': { printing: 'idle', quiet: 'idle' },
  'claude-trust': { printing: 'waiting', quiet: 'waiting' },
  'codex-approval': { printing: 'waiting', quiet: 'waiting' },
  'codex-busy': { printing: 'busy', quiet: 'busy' },
  'codex-idle': { printing: 'idle', quiet: 'idle' },
  'shell-apt': { printing: 'waiting', quiet: 'waiting' },
  'shell-idle': { printing: 'idle', quiet: 'idle' },
  // A dev server: nothing on screen says; busy while it prints, and the shell profile's `quiet` (busy) after.
  'shell-running': { printing: 'busy', quiet: 'busy' },
  'shell-sudo': { printing: 'waiting', quiet: 'waiting' },
};

describe('the classifier over every recorded screen', () => {
  it('has a case for each fixture', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(fixtureScreenNames());
  });

  it.each(Object.entries(FIXTURES))('%s: %j', (name, expected) => {
    const profile = profiles.get(name.split('-')[0]!);
    const screen = fixtureScreen(name);
    const whilePrinting = classify(profile, screen, printing);
    const onceQuiet = classify(profile, screen, quiet);
    expect(activityOf(whilePrinting)).toBe(expected.printing);
    expect(activityOf(onceQuiet)).toBe(expected.quiet);
    // A question on screen comes with its prompt; nothing else does.
    for (const verdict of [whilePrinting, onceQuiet]) {
      expect(verdict.kind === 'activity' && verdict.prompt !== null).toBe(expected.printing === 'waiting');
    }
  });

  it('stops the quiet timer when the screen says, and restarts it while output comes that says nothing', () => {
    expect(classify(profiles.get('claude'), fixtureScreen('claude-idle'), printing)).toMatchObject({ quiet: 'clear', settledQuiet: false });
    expect(classify(profiles.get('shell'), fixtureScreen('shell-running'), printing)).toMatchObject({ quiet: { arm: QUIET_MS }, settledQuiet: false });
    expect(classify(profiles.get('shell'), fixtureScreen('shell-running'), quiet)).toMatchObject({ quiet: 'keep', settledQuiet: true });
  });
});

describe('the classifier with history', () => {
  it('reads an unrecognisable screen by the profile’s quiet once output stayed quiet', () => {
    const screen = fixtureScreen('shell-running');
    expect(activityOf(classify(profiles.get('generic'), screen, quiet))).toBe('idle');
    expect(activityOf(classify(profiles.get('shell'), screen, quiet))).toBe('busy');
    expect(activityOf(classify(profiles.get('claude'), screen, quiet))).toBe('unknown');
  });

  it('keeps the recorded activity while output settles with nothing new, arming the quiet timer only if it is not', () => {
    const screen = fixtureScreen('shell-running');
    for (const activity of ['idle', 'busy', 'unknown'] as const) {
      const settling: History = { ...printing, activity, printed: false };
      expect(classify(profiles.get('generic'), screen, settling)).toMatchObject({ activity, quiet: 'keep' });
      expect(classify(profiles.get('generic'), screen, { ...settling, quietArmed: false })).toMatchObject({ activity, quiet: { arm: QUIET_MS } });
    }
  });

  it('follows a generic program busy → idle, and an agent busy → waiting → idle, as a sequence of readings', () => {
    const run = (profile: string, steps: [screen: string, cause: 'printed' | 'quiet'][]): Activity[] => {
      let history: History = { ...printing, activity: 'unknown' };
      const seen: Activity[] = [];
      for (const [name, cause] of steps) {
        const verdict = classify(profiles.get(profile), fixtureScreen(name), { ...history, printed: cause === 'printed', quiet: cause === 'quiet' });
        if (verdict.kind === 'silent') throw new Error('a program that spoke is never silent');
        const armed = verdict.quiet === 'clear' ? false : verdict.quiet === 'keep' ? history.quietArmed && cause !== 'quiet' : true;
        history = { ...history, activity: verdict.activity, spoke: verdict.spoke, quietArmed: armed };
        seen.push(verdict.activity);
      }
      return seen;
    };
    expect(run('generic', [['shell-running', 'printed'], ['shell-running', 'printed'], ['shell-running', 'quiet']])).toEqual(['busy', 'busy', 'idle']);
    expect(run('claude', [['claude-idle', 'printed'], ['claude-busy', 'printed'], ['claude-approval', 'printed'], ['claude-busy', 'printed'], ['claude-idle', 'quiet']])).toEqual([
      'idle',
      'busy',
      'waiting',
      'busy',
      'idle',
    ]);
  });

  it('waits SILENT_START_MS for a program that has printed nothing since it started', () => {
    const starting: History = { activity: 'unknown', printed: false, quiet: true, quietArmed: false, spoke: false, prefaced: false, sinceStartMs: 500 };
    expect(classify(profiles.get('generic'), blank, starting)).toEqual({ kind: 'silent', quietInMs: SILENT_START_MS - 500 });
    expect(classify(profiles.get('generic'), blank, { ...starting, sinceStartMs: SILENT_START_MS })).toMatchObject({ activity: 'idle', spoke: false, settledQuiet: true });
    // Anything on a fresh pane's screen is the program's: it has spoken.
    expect(classify(profiles.get('generic'), fixtureScreen('shell-running'), starting)).toMatchObject({ activity: 'idle', spoke: true });
  });

  it('does not take a restored preface on screen for the program speaking', () => {
    const restored: History = { activity: 'unknown', printed: false, quiet: true, quietArmed: false, spoke: false, prefaced: true, sinceStartMs: 500 };
    expect(classify(profiles.get('generic'), fixtureScreen('shell-running'), restored)).toEqual({ kind: 'silent', quietInMs: SILENT_START_MS - 500 });
    // Settling before it spoke: the quiet timer waits out what is left of the silent start.
    expect(classify(profiles.get('generic'), fixtureScreen('shell-running'), { ...restored, quiet: false, sinceStartMs: 200 })).toMatchObject({
      activity: 'unknown',
      quiet: { arm: SILENT_START_MS - 200 },
      spoke: false,
    });
  });
});

describe('the restore-preface filter', () => {
  const line = '── restored from checkpoint 1 ──';

  it('holds output back up to the preface’s last line, also when the line comes in pieces', () => {
    const filter = new PrefaceFilter(line);
    expect(filter.feed(Buffer.from('old scrollback\n── restored from'))).toEqual({ kind: 'preface' });
    expect(filter.feed(Buffer.from(' checkpoint 1 ──\x1b[0m\r\n$ '))).toEqual({ kind: 'passed', spoke: true });
  });

  it('does not count the end of the preface’s line as the program speaking', () => {
    expect(new PrefaceFilter(line).feed(Buffer.from(`scrollback\n${line}\x1b[0m\r\n`))).toEqual({ kind: 'passed', spoke: false });
  });
});
