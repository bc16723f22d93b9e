import { describe, expect, it } from 'vitest';
import { parse, UsageError } from '../../client/cli/args.js';
import { lastLines, PlainText } from '../../client/cli/plain-text.js';
import { COMMANDS, GLOBAL_OPTIONS } from '../../client/cli/registry.js';
import { distance, nearest } from '../../client/cli/suggest.js';

const E = '\u001b';

describe('terminal output as text', () => {
  it('drops CSI, OSC, DCS, charset selects and other escapes, keeping text and newlines', () => {
    const p = new PlainText();
    const out = p.push(`${E}[1;31mred${E}[0m ${E}]0;title${E}\\${E}]8;;http://x${E}\\link${E}]8;;${E}\\ ${E}(Bpl${E}Pdcs${E}\\ain${E}=${E}7\tok\u0007\r\n`);
    expect(out).toBe('red link plain\tok\n');
  });

  it('holds a sequence split across chunks until it is whole', () => {
    const p = new PlainText();
    expect(p.push(`a${E}`)).toBe('');
    expect(p.push('[3')).toBe('');
    expect(p.push(`2mb${E}]0;ti`)).toBe('');
    expect(p.push(`tle\u0007c\n`)).toBe('abc\n');
  });

  it('keeps the last state of a line rewritten with \\r, and applies backspace', () => {
    const p = new PlainText();
    expect(p.push('10%\r50%\r100%\r\nab\bc\n')).toBe('100%\nac\n');
    expect(p.push('end')).toBe('');
    expect(p.end()).toBe('end');
  });

  it('writes an unfinished line at once when following, and starts below it after a \\r', () => {
    const p = new PlainText();
    expect(p.push('Your name: ', true)).toBe('Your name: ');
    expect(p.push('Ada\n', true)).toBe('Ada\n');
    expect(p.push('1%', true)).toBe('1%');
    expect(p.push('\r2%\n', true)).toBe('\n2%\n');
  });

  it('gives up on an unterminated string sequence that grows too long', () => {
    const p = new PlainText();
    expect(p.push(`${E}]0;${'x'.repeat(5000)}\n`)).toBe(`]0;${'x'.repeat(5000)}\n`);
  });

  it('takes the last lines', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('a\nb\nc', 1)).toBe('c');
    expect(lastLines('a\n', 5)).toBe('a\n');
    expect(lastLines('a\nb\n', 0)).toBe('');
  });
});

describe('did you mean', () => {
  const p = (...argv: string[]) => parse(argv, COMMANDS, GLOBAL_OPTIONS);

  it('measures edits, a swap of neighbours as one', () => {
    expect(distance('ls', 'sl')).toBe(1);
    expect(distance('status', 'stauts')).toBe(1);
    expect(distance('kitten', 'sitting')).toBe(3);
    expect(nearest('wdie', ['wide', 'waiting'])).toBe('wide');
    expect(nearest('frobnicate', ['ls', 'new'])).toBeUndefined();
  });

  it('suggests commands, subcommands, options and choices', () => {
    expect(() => p('lss')).toThrow('unknown command "lss"; did you mean "ls"?');
    expect(() => p('templat', 'ls')).toThrow('did you mean "template"?');
    expect(() => p('template', 'sl')).toThrow('unknown command "sess template sl"; did you mean "sess template ls"?');
    expect(() => p('ls', '--wdie')).toThrow('unknown option --wdie for sess ls; did you mean --wide?');
    expect(() => p('ls', '--status', 'exitted')).toThrow('(got "exitted"; did you mean exited?)');
    expect(() => p('ls', '--bogus')).toThrow(UsageError);
  });

  it('reads aliases and durations', () => {
    expect(p('templates').command?.name).toBe('template ls');
    expect(p('spaces').command?.name).toBe('space ls');
    expect(p('stop', 'api', '--timeout', '10s').options.timeout).toBe(10_000);
    expect(p('stop', 'api', '--timeout', '2500').options.timeout).toBe(2_500);
    expect(p('send', 'api', 'x', '--expires', '1h30m').options.expires).toBe(5_400_000);
    expect(() => p('stop', 'api', '--timeout', 'soon')).toThrow('--timeout takes a duration such as 500ms, 5s, 10m, 1h30m or 2d (got "soon")');
    expect(p('daemon', '--help')).toMatchObject({ help: true, command: undefined, group: 'daemon' });
  });
});
