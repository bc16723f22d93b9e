/**
 * The terminal, on plain ANSI: the alternate screen, raw keys, and drawing by lines
 * (only the lines that changed are written, so a busy dashboard stays cheap over SSH).
 */

export type Key =
  | { name: 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'tab' | 'ctrl-c' | 'ctrl-u' }
  | { name: 'char'; char: string };

const NAMED: Record<string, Key['name']> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[5~': 'pageup',
  '\x1b[6~': 'pagedown',
  '\x1b[H': 'home',
  '\x1b[1~': 'home',
  '\x1bOH': 'home',
  '\x1b[F': 'end',
  '\x1b[4~': 'end',
  '\x1bOF': 'end',
  '\r': 'enter',
  '\n': 'enter',
  '\x1b': 'escape',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\x03': 'ctrl-c',
  '\x15': 'ctrl-u',
};

/** A CSI or SS3 sequence's rest, after its ESC. */
const CSI = /^(\[[0-9;]*[A-Za-z~]|O[A-Za-z])/;

/** The keys in one read of a raw terminal (an escape sequence is never split across reads by a tty in practice). */
export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] === '\x1b' && i + 1 < data.length) {
      const m = CSI.exec(data.slice(i + 1));
      if (m !== null) {
        const name = NAMED[`\x1b${m[0]}`];
        if (name !== undefined) keys.push({ name } as Key);
        i += 1 + m[0].length;
        continue;
      }
    }
    const ch = String.fromCodePoint(data.codePointAt(i)!);
    const name = NAMED[ch];
    if (name !== undefined) keys.push({ name } as Key);
    else if (!/\p{Cc}/u.test(ch)) keys.push({ name: 'char', char: ch });
    i += ch.length;
  }
  return keys;
}

export class Screen {
  private drawn: string[] = [];
  private active = false;
  private readonly onData = (data: string): void => this.keys(parseKeys(data));
  private readonly onResize = (): void => {
    this.drawn = [];
    this.resized();
  };

  constructor(
    private readonly keys: (keys: Key[]) => void,
    private readonly resized: () => void,
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stdout,
  ) {}

  get width(): number {
    return this.output.columns || 80;
  }

  get height(): number {
    return this.output.rows || 24;
  }

  /** Takes the terminal: alternate screen, no cursor, raw keys. */
  enter(): void {
    if (this.active) return;
    this.active = true;
    this.drawn = [];
    this.input.setRawMode?.(true);
    this.input.setEncoding('utf8');
    this.input.on('data', this.onData);
    this.input.resume();
    this.output.on('resize', this.onResize);
    this.output.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  }

  /** Gives the terminal back as it was. */
  leave(): void {
    if (!this.active) return;
    this.active = false;
    this.input.off('data', this.onData);
    this.output.off('resize', this.onResize);
    this.input.setRawMode?.(false);
    this.input.pause();
    this.output.write('\x1b[0m\x1b[?25h\x1b[?1049l');
  }

  /** Draws `lines` (one per row), writing only the rows that changed since the last draw. */
  draw(lines: readonly string[]): void {
    if (!this.active) return;
    let out = '';
    lines.forEach((line, row) => {
      if (this.drawn[row] !== line) out += `\x1b[${row + 1};1H${line}\x1b[0m`;
    });
    for (let row = lines.length; row < this.drawn.length; row++) out += `\x1b[${row + 1};1H\x1b[2K`;
    this.drawn = [...lines];
    if (out !== '') this.output.write(out);
  }
}
