import { describe, expect, it } from 'vitest';
import { fromLineStart, replayable, replayEnd, scrollbackText } from '../../daemon/sessions/scrollback.js';

const E = '\u001b';
const replay = (text: string) => {
  const r = replayable(Buffer.from(text));
  return { text: r.bytes.toString(), altScreen: r.altScreen };
};

describe("a checkpoint's saved output", () => {
  it('plays again what draws: text, colours, cursor moves, erasing, scroll regions, charsets, the alternate screen', () => {
    const drawing = `a${E}[1;31mred${E}[0m\r\n${E}[2J${E}[H${E}[3;5H${E}[K${E}[10A${E}[2;20r${E}7${E}8${E}M${E}(0q${E}(B${E}[?25l${E}[38:2::1:2:3mrgb\tü€\b`;
    expect(replay(drawing)).toEqual({ text: drawing, altScreen: false });
    expect(replay(`${E}[?1049hvim`)).toEqual({ text: `${E}[?1049hvim`, altScreen: true });
    expect(replay(`${E}[?1049hvim${E}[?1049l$ `).altScreen).toBe(false);
  });

  it('drops what the terminal would answer into the new program, input modes, strings and the bell', () => {
    const asks = [
      `${E}[c`, `${E}[>c`, `${E}[5n`, `${E}[6n`, `${E}[?6n`, `${E}[>q`, `${E}[?u`, `${E}[>1u`, `${E}[?2004$p`, `${E}[18t`,
      `${E}]11;?\u0007`, `${E}]52;c;?${E}\\`, `${E}P$qm${E}\\`, `${E}P+q544e${E}\\`, `${E}_Gi=1;${E}\\`,
      `${E}[?1000h`, `${E}[?1006h`, `${E}[?2004h`, `${E}[?1004h`, `${E}[?1h`, `${E}=`, `${E}>`, `${E}[>4;2m`, `${E}[4h`,
      `${E}]0;title\u0007`, `${E}]8;;http://x${E}\\`, '\u0007', `${E}c`,
    ];
    expect(replay(`one${asks.join('')}two`)).toEqual({ text: 'onetwo', altScreen: false });
    // An unfinished sequence at the end is dropped whole.
    expect(replay(`end${E}]0;unfinished`).text).toBe('end');
    expect(replay(`end${E}[3`).text).toBe('end');
  });

  it('ends a replay back on the main screen, with the scroll region, attributes and cursor reset, on a new line', () => {
    expect(replayEnd(true).startsWith(`${E}[?1049l`)).toBe(true);
    expect(replayEnd(false)).not.toContain('1049');
    expect(replayEnd(false)).toContain(`${E}7${E}[r${E}8`);
    expect(replayEnd(false).endsWith(`\r\n${E}[J`)).toBe(true);
  });

  it('reads as text: sequences dropped, \\r\\n a newline, a rewritten line in its last state, no trailing blank lines', () => {
    expect(scrollbackText(Buffer.from(`${E}[?2004h$ echo hi\r\n${E}[?2004l\rhi\r\n10%\r100%\r\n\r\n`))).toBe('$ echo hi\nhi\n100%');
  });

  it('starts a range cut from older output at its first whole line', () => {
    expect(fromLineStart(Buffer.from('tail of a line\nwhole\n'), true).toString()).toBe('whole\n');
    expect(fromLineStart(Buffer.from('from the start\n'), false).toString()).toBe('from the start\n');
    expect(fromLineStart(Buffer.from('no newline'), true).toString()).toBe('');
  });
});
