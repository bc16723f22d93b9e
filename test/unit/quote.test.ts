import { describe, expect, it } from 'vitest';
import { commandLine, formatLiteral, quoteArg } from '../../daemon/backend/tmux/quote.js';
import { isTmuxKey } from '../../shared/protocol/tmux-keys.js';

describe('quoteArg', () => {
  it.each([
    ['plain', '"plain"'],
    ['a;b', '"a;b"'],
    ['#{pane_id}', '"#{pane_id}"'],
    ['$HOME', '"\\$HOME"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['new\nline', '"new\\012line"'],
    ['tab\there', '"tab\\011here"'],
    ['esc\u001b[0m', '"esc\\033[0m"'],
    ['del\u007f', '"del\\177"'],
    ["it's ~", '"it\'s \\176"'],
    ['~/dir', '"\\176/dir"'],
    ['é€😀', '"é€😀"'],
    ['', '""'],
  ])('%j becomes %s', (input, quoted) => {
    expect(quoteArg(input)).toBe(quoted);
  });

  it('never lets a newline through (it would end the command in control mode)', () => {
    expect(commandLine(['send-keys', '-l', 'a\nb\r\nc'])).not.toMatch(/[\n\r]/);
  });

  it('refuses NUL', () => {
    expect(() => quoteArg('a\u0000b')).toThrow(/NUL/);
  });
});

describe('isTmuxKey', () => {
  it.each(['Enter', 'enter', 'C-c', 'c-c', 'M-x', 'C-M-x', 'S-Up', 'Escape', 'F12', 'BSpace', 'KPEnter', '^C', 'a', ';', 'é', '0x41', 'C--', 'Space', 'PgUp'])(
    'accepts %j',
    (key) => expect(isTmuxKey(key)).toBe(true),
  );
  it.each(['Entr', '', 'hello', 'C-', 'F13', 'C-Entr', '\n', '\u001b', 'M-'])('refuses %j', (key) => expect(isTmuxKey(key)).toBe(false));
});

describe('formatLiteral', () => {
  // What tmux 3.3a's format expansion makes of each result is the input again
  // (checked with `display-message -p`): `##` is `#`, and a run of `#` before `[` stays.
  it.each([
    ['plain', 'plain'],
    ['fix#(touch pwned)', 'fix##(touch pwned)'],
    ['tab#{pane_id}', 'tab##{pane_id}'],
    ['#S #W', '##S ##W'],
    ['a###b', 'a######b'],
    ['end#', 'end##'],
    ['#[fg=red]', '#[fg=red]'],
    ['##[x]', '##[x]'],
    ['a#,b#}', 'a##,b##}'],
  ])('%j becomes %j', (input, literal) => {
    expect(formatLiteral(input)).toBe(literal);
  });
});
