import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Screen } from '../../daemon/activity/screen.js';

const SCREENS = join(import.meta.dirname, '..', 'fixtures', 'screens');
const CURSOR = '█';

/**
 * The names of the screens in test/fixtures/screens with the cursor marked in the
 * text (`claude-idle`, …). The `real-*` screens keep theirs in `real-cursors.json`
 * and are read by real-screens.ts.
 */
export function fixtureScreenNames(): string[] {
  return readdirSync(SCREENS)
    .filter((f) => f.endsWith('.txt') && !f.startsWith('real-'))
    .map((f) => f.slice(0, -'.txt'.length))
    .sort();
}

/** A recorded screen; `█` marks where the cursor was. */
export function fixtureScreen(name: string): Screen {
  const rows = readFileSync(join(SCREENS, `${name}.txt`), 'utf8').replace(/\n$/, '').split('\n');
  const cursorRow = rows.findIndex((r) => r.includes(CURSOR));
  const cursorCol = cursorRow === -1 ? null : [...rows[cursorRow]!].indexOf(CURSOR);
  return { rows: rows.map((r) => r.replace(CURSOR, ' ')), cursorRow: cursorRow === -1 ? null : cursorRow, cursorCol };
}
