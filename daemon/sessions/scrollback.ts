import { PlainText } from '../../shared/plain-text.js';

/**
 * A checkpoint's scrollback, kept as a range of its session's transcript (the raw
 * bytes the program wrote), and the two forms it is shown in: replayed into the
 * restored pane (tmux renders it as it rendered it the first time: the same screen
 * and history, colours included), and as text (`checkpoint/get`).
 */

/** Saved scrollback is cut to its last this-many bytes (whole lines). */
export const SCROLLBACK_MAX_BYTES = 8 * 1024 * 1024;

const ESC = 0x1b;
const NL = 0x0a;

/** The last `max` bytes of `text`, from a line start. */
export function tail(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const bytes = Buffer.from(text);
  const cut = bytes.subarray(bytes.length - max).toString('utf8');
  const nl = cut.indexOf('\n');
  return nl === -1 ? cut : cut.slice(nl + 1);
}

/**
 * A range that does not start at the session's first byte may start inside a line,
 * an escape sequence or a character: it is shown from its first line start.
 */
export function fromLineStart(bytes: Buffer, cut: boolean): Buffer {
  if (!cut) return bytes;
  const nl = bytes.indexOf(NL);
  return nl === -1 ? bytes.subarray(bytes.length) : bytes.subarray(nl + 1);
}

/** The range as text to read: escape sequences dropped, a line rewritten with `\r` in its last state. */
export function scrollbackText(bytes: Buffer): string {
  const text = new PlainText();
  return tail((text.push(bytes.toString('utf8')) + text.end()).replace(/\n+$/, ''), SCROLLBACK_MAX_BYTES);
}

/** C0 controls that draw: BS, HT, LF, VT, FF, CR, SO, SI. BEL and the rest are dropped. */
const DRAWING_C0 = new Set([0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f]);
/** Final bytes of CSI sequences (without a private marker or intermediates) that only draw or move. */
const DRAWING_CSI = new Set('@ABCDEFGHIJKLMPSTXZ`abdefgmrsu'.split('').map((c) => c.charCodeAt(0)));
/** `ESC x` that only draw or move: save/restore cursor, index, next line, reverse index. */
const DRAWING_ESC = new Set('78DEM'.split('').map((c) => c.charCodeAt(0)));
/** Modes a replay may set (`CSI ? n h/l`): cursor visible, autowrap, the alternate screen. */
const DRAWING_MODES = new Set(['?25', '?7', '?1049']);

/**
 * What of a program's output can be played again into a new pane without side
 * effects: text and the sequences that draw (cursor moves, erasing, colours, scroll
 * regions, charsets, the alternate screen). Dropped: everything the terminal would
 * answer (device attributes, status and cursor reports, colour and clipboard queries,
 * tmux would type the answers into the new program), every mode that changes input
 * (mouse, keypad, bracketed paste, focus events), OSC/DCS/APC strings (titles,
 * hyperlinks, clipboard), and BEL. `altScreen`: the output ends in the alternate screen.
 */
export function replayable(bytes: Buffer): { bytes: Buffer; altScreen: boolean } {
  const parts: Buffer[] = [];
  let altScreen = false;
  let run = 0; // start of the plain text not yet copied
  const keep = (from: number, to: number): void => {
    if (to > from) parts.push(bytes.subarray(from, to));
  };
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b >= 0x20 || (b !== ESC && DRAWING_C0.has(b))) {
      i++;
      continue;
    }
    keep(run, i);
    if (b !== ESC) {
      run = ++i; // another C0 control: dropped
      continue;
    }
    const end = sequenceEnd(bytes, i);
    const introducer = bytes[i + 1];
    if (introducer === 0x5b) {
      const params = bytes.subarray(i + 2, end - 1).toString('latin1');
      const final = bytes[end - 1]!;
      if (/^[0-9;:]*$/.test(params) && DRAWING_CSI.has(final)) keep(i, end);
      else if ((final === 0x68 || final === 0x6c) && DRAWING_MODES.has(params)) {
        keep(i, end);
        if (params === '?1049') altScreen = final === 0x68;
      }
    } else if (introducer !== undefined && (DRAWING_ESC.has(introducer) || ((introducer === 0x28 || introducer === 0x29) && end - i === 3))) {
      keep(i, end); // ESC 7 and the like; ESC ( B, ESC ) 0: charsets
    }
    run = i = end;
  }
  keep(run, bytes.length);
  return { bytes: Buffer.concat(parts), altScreen };
}

/**
 * Where the escape sequence starting at `at` (an ESC) ends, exclusive: CSI up to its
 * final byte, a string (OSC, DCS, SOS, PM, APC) up to BEL or ST, any other up to its
 * final byte. An unfinished one runs to the end of `bytes`.
 */
function sequenceEnd(bytes: Buffer, at: number): number {
  const introducer = bytes[at + 1];
  if (introducer === undefined) return bytes.length;
  if (introducer === 0x5b) {
    let i = at + 2;
    while (i < bytes.length && (bytes[i]! < 0x40 || bytes[i]! > 0x7e)) i++;
    return Math.min(i + 1, bytes.length);
  }
  if (introducer === 0x5d || introducer === 0x50 || introducer === 0x58 || introducer === 0x5e || introducer === 0x5f) {
    for (let i = at + 2; i < bytes.length; i++) {
      if (bytes[i] === 0x07) return i + 1;
      if (bytes[i] === ESC && bytes[i + 1] === 0x5c) return i + 2;
    }
    return bytes.length;
  }
  let i = at + 1;
  while (i < bytes.length && bytes[i]! >= 0x20 && bytes[i]! <= 0x2f) i++; // intermediates
  return Math.min(i + 1, bytes.length);
}

/**
 * Played after a replay, before the separator line: back to the main screen if the
 * output ended in the alternate one, the full scroll region (DECSTBM homes the
 * cursor, so it is saved around it), attributes and charset reset, the cursor shown,
 * autowrap on; then a new line, with what the old program drew below its cursor (a
 * full-screen program's status lines) erased.
 */
export function replayEnd(altScreen: boolean): string {
  return `${altScreen ? '\x1b[?1049l' : ''}\x1b7\x1b[r\x1b8\x1b[0m\x1b(B\x0f\x1b[?25h\x1b[?7h\r\n\x1b[J`;
}
