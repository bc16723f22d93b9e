import type { SessionBackend } from '../backend/backend.js';

/**
 * How long a pasted message waits to show on the screen before Enter is pressed
 * anyway: a program that does not echo it (or a screen that cannot tell) is still
 * given its Enter, late rather than never.
 */
export const PASTE_SHOWN_MS = 3_000;
/** How much of the text's last line is looked for on the screen (an input may wrap or cut a long line). */
const NEEDLE_CHARS = 16;
/** What an agent shows for a long or multi-line paste instead of the text (Claude Code, Codex). */
const PASTE_MARKER = '[Pasted';

export interface SubmitDeps {
  backend: Pick<SessionBackend, 'sendText' | 'sendKeys' | 'capture'>;
  transcripts: { onOutput(listener: (session: string, offset: number, data: Uint8Array) => void): () => void };
}

/**
 * Types `text` for a program that takes an Enter arriving with the text as part of a
 * paste (Codex, Claude Code): the text as a bracketed paste, then, once the screen
 * shows it (read again on each output of the session), Enter in a write of its own.
 */
export async function pasteThenEnter(deps: SubmitDeps, id: string, text: string): Promise<void> {
  if (text === '') return deps.backend.sendKeys(id, ['Enter']);
  const shows = shownTest(text);
  const before = shows(await screenText(deps, id));
  const shown = waitShown(deps, id, (screen) => shows(screen) > before);
  try {
    await deps.backend.sendText(id, text, false, { paste: true });
  } catch (error) {
    shown.cancel();
    throw error;
  }
  await shown.done;
  await deps.backend.sendKeys(id, ['Enter']);
}

async function screenText(deps: SubmitDeps, id: string): Promise<string> {
  return (await deps.backend.capture(id, { rows: true })).text;
}

/** Counts the rows that show the text: its last line's end, or the paste marker an agent shows instead. */
function shownTest(text: string): (screen: string) => number {
  const lastLine = text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  const needle = lastLine.slice(-NEEDLE_CHARS);
  return (screen) => screen.split('\n').filter((row) => (needle !== '' && row.includes(needle)) || row.includes(PASTE_MARKER)).length;
}

/** Resolves once the screen passes `test` (checked on each output), or after PASTE_SHOWN_MS. */
function waitShown(deps: SubmitDeps, id: string, test: (screen: string) => boolean): { done: Promise<void>; cancel: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let checking = false;
  let again = false;
  let over = false;
  const end = (): void => {
    over = true;
    off();
    clearTimeout(timer);
    finish();
  };
  const check = async (): Promise<void> => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        if (test(await screenText(deps, id))) return end();
      } while (again && !over);
    } catch {
      // The screen cannot be read (the program ended): Enter is tried anyway, and fails there.
      end();
    } finally {
      checking = false;
    }
  };
  const off = deps.transcripts.onOutput((session) => {
    if (session === id && !over) void check();
  });
  const timer = setTimeout(end, PASTE_SHOWN_MS);
  return { done, cancel: end };
}
