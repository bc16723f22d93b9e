import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCREENS = join(import.meta.dirname, '..', 'fixtures', 'screens');

/** Where the terminal cursor was when a real screen was recorded (real-cursors.json). */
export interface RecordedCursor {
  x: number;
  y: number;
  /** Whether the program showed it: both agents hide it and draw their own, except Codex's composer. */
  visible: boolean;
  size: [cols: number, rows: number];
}

/**
 * A screen recorded from a real program (test/fixtures/screens/real-*.txt, see
 * REAL.md): the text exactly as `tmux capture-pane -p` gave it (the agents draw `█`
 * themselves, so the cursor cannot be marked in the text), and the cursor from
 * real-cursors.json.
 */
export function realScreen(name: string): { rows: string[]; cursor: RecordedCursor } {
  const cursors = JSON.parse(readFileSync(join(SCREENS, 'real-cursors.json'), 'utf8')) as Record<string, RecordedCursor>;
  const cursor = cursors[name];
  if (cursor === undefined) throw new Error(`no cursor recorded for ${name}`);
  const rows = readFileSync(join(SCREENS, `${name}.txt`), 'utf8').replace(/\n$/, '').split('\n');
  while (rows.length < cursor.size[1]) rows.push('');
  return { rows, cursor };
}
