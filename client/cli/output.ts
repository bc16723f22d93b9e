import type { Session } from '../../shared/protocol/model.js';

/** Text for people: tables, ages, colour when the terminal takes it. JSON goes out unformatted. */
export class Output {
  readonly color: boolean;

  constructor(
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.color = stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  }

  line(text = ''): void {
    this.stdout.write(text + '\n');
  }

  /** A protocol object, exactly, one per line. */
  json(value: unknown): void {
    this.stdout.write(JSON.stringify(value) + '\n');
  }

  error(text: string): void {
    this.stderr.write(text + '\n');
  }

  /** Progress for people, only when someone is watching stderr. */
  progress(text: string): void {
    if (this.stderr.isTTY === true) this.stderr.write(text + '\n');
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i] ?? ''))));
    const fmt = (cells: readonly string[]): string =>
      cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join('  ').trimEnd();
    this.line(this.paint(fmt(headers), '1'));
    for (const row of rows) this.line(fmt(row));
  }

  paint(text: string, sgr: string): string {
    return this.color ? `\u001b[${sgr}m${text}\u001b[0m` : text;
  }

  status(session: Pick<Session, 'status'>): string {
    const colour: Record<string, string> = { running: '32', paused: '33', exited: '90', stopped: '90', crashed: '31', created: '36', suspended: '35' };
    return this.paint(session.status, colour[session.status] ?? '0');
  }
}

/** A colour escape sequence (ESC [ ... m), which takes no room on screen. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Display width, counting wide characters as two cells. */
function width(text: string): number {
  let n = 0;
  for (const ch of text.replace(SGR, '')) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}]/u.test(ch) ? 2 : 1;
  return n;
}

/** "5s", "3m", "2h", "4d" since an ISO time. */
export function age(iso: string | null, now = Date.now()): string {
  if (iso === null) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Text safe to print in a table: control characters shown as escapes. */
export function visible(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** An argv as a person would type it. */
export function shellWords(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** How a session is named to a person: `name`, or `space/name` outside the default space. */
export function ref(session: Pick<Session, 'name' | 'space'>): string {
  return session.space === 'default' ? session.name : `${session.space}/${session.name}`;
}
