/** What ends a preface's last line: an attribute reset, CR, LF. */
// eslint-disable-next-line no-control-regex -- the reset is an escape sequence
const PREFACE_LINE_END = /^(?:\x1b\[0m|\r|\n)+/;

/** What a piece of output is, seen by a PrefaceFilter. */
export type PrefaceOutput =
  /** Still the preface. */
  | { kind: 'preface' }
  /** The preface's last line has gone by; `spoke`: the program printed after it. */
  | { kind: 'passed'; spoke: boolean };

/**
 * A restored session shows its saved scrollback (the preface) before the program
 * runs, ending with one known line: output up to that line is not the program's.
 * The line is found even when it arrives split across pieces of output.
 */
export class PrefaceFilter {
  private readonly needle: Buffer;
  /** The end of the output so far, as long as the needle: where a split line's start is. */
  private seen = Buffer.alloc(0);

  constructor(lastLine: string) {
    this.needle = Buffer.from(lastLine);
  }

  /** Takes the next piece of output; once it says `passed`, later output is the program's. */
  feed(data: Uint8Array): PrefaceOutput {
    const seen = Buffer.concat([this.seen, data]);
    const at = seen.indexOf(this.needle);
    if (at === -1) {
      this.seen = seen.subarray(Math.max(0, seen.length - this.needle.length));
      return { kind: 'preface' };
    }
    const rest = seen.subarray(at + this.needle.length);
    // What ends the preface's line (attribute reset, CR, LF) is not the program's either.
    return { kind: 'passed', spoke: rest.toString('latin1').replace(PREFACE_LINE_END, '').length > 0 };
  }
}
