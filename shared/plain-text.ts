/**
 * A terminal's output as text to read: escape sequences dropped, text and newlines
 * kept. Fed in chunks (a sequence split across two is held until it is whole).
 *
 * - Dropped: CSI (`ESC [ ... final`, colours, cursor moves), OSC (`ESC ] ... BEL|ST`,
 *   titles, hyperlinks), DCS/SOS/PM/APC strings, charset selects (`ESC ( B`) and every
 *   other `ESC [intermediates] final`, C1 controls, and C0 controls but tab and newline.
 * - `\r\n` is a newline. A `\r` followed by more text starts the line over, as on a
 *   screen, so a progress bar shows its last state. Backspace removes a character.
 */

/** An unterminated string sequence longer than this is taken as garbage, not held for ever. */
const MAX_PENDING = 4096;

/* eslint-disable no-control-regex -- matching control characters is what this module is for */
const ESC = '\u001b';
const CSI = /(?:\u001b\[|\u009b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/y;
const CSI_OPEN = /(?:\u001b\[|\u009b)[\x30-\x3f]*[\x20-\x2f]*$/y;
const STRING = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c)/y;
const STRING_OPEN = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])/y;
const OTHER = /\u001b[\x20-\x2f]*[\x30-\x7e]/y;
const OTHER_OPEN = /\u001b[\x20-\x2f]*$/y;
/* eslint-enable no-control-regex */

function kind(text: string, at: number): [whole: RegExp, open: RegExp] {
  const ch = text[at]!;
  const next = ch === ESC ? text[at + 1] : undefined;
  if (ch === '\u009b' || next === '[') return [CSI, CSI_OPEN];
  if (ch !== ESC || (next !== undefined && ']PX^_'.includes(next))) return [STRING, STRING_OPEN];
  return [OTHER, OTHER_OPEN];
}

function matchAt(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  return re.test(text) ? re.lastIndex : -1;
}

export class PlainText {
  private pending = '';
  /** The current line, not yet written. */
  private line = '';
  /** Part of the current line was already written (following output live). */
  private started = false;
  /** A `\r` was seen: the next text starts the line over, unless it is a newline. */
  private cr = false;

  /**
   * The readable text of `chunk`: whole lines, and with `partial` (following live
   * output) the unfinished line too, so that a prompt shows before its newline.
   */
  push(chunk: string, partial = false): string {
    const text = this.pending + chunk;
    this.pending = '';
    let out = '';
    for (let i = 0; i < text.length; ) {
      const ch = text[i]!;
      const code = ch.charCodeAt(0);
      if (ch === ESC || (code >= 0x80 && code <= 0x9f)) {
        // The introducer says which kind: ESC [ a CSI, ESC ] P X ^ _ a string, any other ESC one more final byte.
        const [whole, open] = kind(text, i);
        const end = matchAt(whole, text, i);
        if (end !== -1) {
          i = end;
          continue;
        }
        if (matchAt(open, text, i) !== -1 && text.length - i <= MAX_PENDING) {
          this.pending = text.slice(i);
          break;
        }
        i++; // a lone or broken introducer: dropped by itself
        continue;
      }
      i++;
      if (ch === '\n') {
        out += this.line + '\n';
        this.line = '';
        this.started = false;
        this.cr = false;
      } else if (ch === '\r') {
        this.cr = true;
      } else if (ch === '\b') {
        this.line = this.line.slice(0, -1);
      } else if (ch === '\t' || code >= 0x20) {
        if (code === 0x7f) continue;
        if (this.cr) {
          this.cr = false;
          if (this.started) out += '\n'; // what was written stays: go on below it
          this.line = '';
          this.started = false;
        }
        this.line += ch;
      }
    }
    if (partial && this.line !== '') {
      out += this.line;
      this.line = '';
      this.started = true;
    }
    return out;
  }

  /** What is left at the end: the unfinished last line. */
  end(): string {
    const rest = this.line;
    this.line = '';
    this.pending = '';
    return rest;
  }
}

/** The last `n` lines of `text` (an unfinished last line counts as one). */
export function lastLines(text: string, n: number): string {
  if (n <= 0) return '';
  let at = text.length;
  if (text.endsWith('\n')) at--;
  for (let found = 0; at > 0; ) {
    at = text.lastIndexOf('\n', at - 1);
    if (at === -1) return text;
    if (++found === n) return text.slice(at + 1);
  }
  return text;
}
