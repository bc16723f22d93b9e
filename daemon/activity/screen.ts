import type { Activity, InteractionChoice, InteractionKind } from '../../shared/protocol/model.js';
import { readDetail, type InteractionDetail } from './detail.js';
import type { AgentProfile, PromptSpec } from './profiles.js';

/** How far up from the bottom of the screen a prompt's question is looked for. */
const PROMPT_LINES = 30;
/** Lines of detail allowed between a question and its first choice. */
const DETAIL_LINES = 12;
/** How far up from the bottom a `busy` pattern counts. */
const BUSY_LINES = 12;
/** Rows a question may be wrapped over (a long question on a narrow screen). */
const QUESTION_ROWS = 3;

export interface Screen {
  /** The visible rows, top first. */
  rows: string[];
  /** The cursor's row, when known. */
  cursorRow: number | null;
  /**
   * The cursor's column, when known: a profile with `idleBeforeCursor` reads only the
   * text left of it (an input's placeholder follows the cursor, typed text precedes it).
   */
  cursorCol?: number | null;
}

export interface DetectedPrompt {
  kind: InteractionKind;
  /** The question as shown (its `prompt` group when the pattern has one; rows it wraps over joined). */
  prompt: string;
  choices: (InteractionChoice & { key: string })[];
  /** What the question is about (the command to approve), when the prompt's `detail` reads it. */
  detail: InteractionDetail | null;
  spec: PromptSpec;
}

export interface Reading {
  /** `null`: nothing on screen says; the caller decides from how long output has been quiet. */
  activity: Activity | null;
  prompt: DetectedPrompt | null;
  /** A line on screen saying what keeps the program from working (a model it cannot reach), when a `problems` pattern matches. */
  problem: string | null;
  /** The input row reads idle, but the transcript above it shows a turn not over (the profile's `unfinished`). */
  unfinished?: true;
}

const BOX_EDGE = /^[\s│┃║|]+|[\s│┃║|]+$/gu;
/** A line that is only box drawing (a frame's top, bottom or rule). */
const FRAME = /^[\s─━═╭╮╰╯┌┐└┘├┤┬┴┼╔╗╚╝-]*$/u;

/** A row with its box edges and surrounding space removed. */
export function normalize(row: string): string {
  return row.replace(BOX_EDGE, '');
}

/**
 * What the screen says about the program, by its profile: a recognised question at
 * the bottom means `waiting`; a busy sign near the bottom, `busy`; an idle prompt on
 * the cursor's row (or the last non-blank row), `idle` once the profile's `ready`
 * sign shows below it; a problem line alone, `unknown`; otherwise nothing.
 */
export function read(profile: AgentProfile, screen: Screen): Reading {
  const lines = screen.rows.map(normalize);
  let last = lines.length - 1;
  while (last >= 0 && lines[last] === '') last--;
  if (last < 0) return { activity: null, prompt: null, problem: null };
  const problem = findProblem(profile, lines, last);
  for (const spec of profile.prompts) {
    const prompt = findPrompt(spec, lines, last);
    if (prompt !== null) return { activity: 'waiting', prompt, problem };
  }
  for (let i = last; i >= Math.max(0, last - BUSY_LINES + 1); i--) {
    if (profile.busy.some((p) => p.test(lines[i]!))) return { activity: 'busy', prompt: null, problem };
  }
  const cursorRow = screen.cursorRow ?? last;
  if (profile.idle.some((p) => p.test(inputText(profile, screen, cursorRow))) && isReady(profile, lines, cursorRow, last)) {
    if (turnOpen(profile, screen.rows, lines, cursorRow)) return { activity: null, prompt: null, problem, unfinished: true };
    return { activity: 'idle', prompt: null, problem };
  }
  return { activity: problem === null ? null : 'unknown', prompt: null, problem };
}

/** The cursor's row as the profile's `idle` patterns see it: all of it, or what is left of the cursor. */
function inputText(profile: AgentProfile, screen: Screen, row: number): string {
  const raw = screen.rows[row] ?? '';
  const col = screen.cursorCol;
  // Columns are taken as characters: the input marker starts the row, before any wide character.
  return normalize(profile.idleBeforeCursor && col !== undefined && col !== null ? [...raw].slice(0, col).join('') : raw);
}

/** Whether the transcript's last entry above the input row is a turn still going (the profile's `unfinished`). */
function turnOpen(profile: AgentProfile, rows: string[], lines: string[], inputRow: number): boolean {
  const rule = profile.unfinished;
  if (rule === null) return false;
  for (let i = inputRow - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line === '') continue;
    if (rule.ended.some((p) => p.test(line))) return false;
    if (/^\S/u.test(rows[i]!)) return rule.open.some((p) => p.test(line));
  }
  return false;
}

/** Whether the profile's sign that the program has finished starting shows below the input row (when it has one). */
function isReady(profile: AgentProfile, lines: string[], cursorRow: number, last: number): boolean {
  if (profile.ready.length === 0) return true;
  for (let i = cursorRow + 1; i <= last; i++) if (profile.ready.some((p) => p.test(lines[i]!))) return true;
  return false;
}

function findProblem(profile: AgentProfile, lines: string[], last: number): string | null {
  if (profile.problems.length === 0) return null;
  for (let i = last; i >= Math.max(0, last - PROMPT_LINES + 1); i--) {
    if (profile.problems.some((p) => p.test(lines[i]!))) {
      // The line, and the one below it when it says more (the cause).
      const next = lines[i + 1] === '' ? lines[i + 2] : lines[i + 1];
      return next !== undefined && next !== '' && !FRAME.test(next) && i < last ? `${lines[i]}: ${next}` : lines[i]!;
    }
  }
  return null;
}

/**
 * The question starting at row `i`: the row alone, or joined with the rows it wraps
 * onto (up to QUESTION_ROWS, never a choice row). Returns the text it matched with and
 * the row after it.
 */
function question(spec: PromptSpec, lines: string[], i: number, last: number): { text: string; prompt: string; next: number } | null {
  let text = lines[i]!;
  for (let rows = 1; rows <= QUESTION_ROWS; rows++) {
    const match = spec.question.exec(text);
    if (match !== null) return { text, prompt: match.groups?.prompt ?? text, next: i + rows };
    const more = lines[i + rows];
    const c = spec.choices;
    if (i + rows > last || more === undefined || more === '' || (c !== null && 'line' in c && c.line.test(more))) return null;
    text = `${text} ${more}`;
  }
  return null;
}

function findPrompt(spec: PromptSpec, lines: string[], last: number): DetectedPrompt | null {
  for (let i = last; i >= Math.max(0, last - PROMPT_LINES + 1); i--) {
    const asked = question(spec, lines, i, last);
    if (asked === null) continue;
    const line = asked.text;
    let choices: DetectedPrompt['choices'] = [];
    let next = asked.next;
    const c = spec.choices;
    if (c !== null && 'line' in c) {
      for (; next <= last; next++) {
        const row = lines[next]!;
        const m = c.line.exec(row);
        // Between the question and its first choice: details (the command, a path, a reason).
        if (m?.groups === undefined && choices.length === 0 && next - i <= DETAIL_LINES) continue;
        if (m?.groups === undefined) break;
        const { id, label, key } = m.groups;
        choices.push({ id: id!, label: label!.trim(), key: key ?? id! });
      }
      if (choices.length < 2) continue; // a question with one numbered line is not a menu
    } else if (c !== null && 'inline' in c) {
      for (const m of line.matchAll(c.inline)) {
        const key = m.groups?.key ?? '';
        const label = `${key}${m.groups?.label ?? ''}`.trim();
        choices.push({ id: key.toLowerCase(), label, key: key.toLowerCase() });
      }
      if (choices.length < 2) continue;
    } else if (c !== null) {
      choices = c.fixed.map((choice) => ({ ...choice, key: choice.id }));
    }
    // Below the prompt only blank rows, frame edges and the prompt's own hints.
    let tail = true;
    for (let j = next; j <= last; j++) {
      const row = lines[j]!;
      if (row === '' || FRAME.test(row) || spec.trailer?.test(row) === true) continue;
      tail = false;
      break;
    }
    if (!tail) continue;
    const detail = spec.detail === null ? null : readDetail(spec.detail, { above: lines.slice(Math.max(0, i - DETAIL_LINES), i), below: lines.slice(asked.next, next) });
    return { kind: spec.kind, prompt: asked.prompt, choices, detail, spec };
  }
  return null;
}

/** The keys or text that give `choice` (or free `text`) as the answer to a prompt. */
export function answerFor(
  spec: PromptSpec,
  answer: { choice: { id: string; key: string } } | { text: string },
): { keys: string[] } | { text: string; submit: boolean } {
  if ('text' in answer) return { text: answer.text, submit: true };
  const fill = (template: string): string => template.replaceAll('{id}', answer.choice.id).replaceAll('{key}', answer.choice.key);
  if ('keys' in spec.answer) {
    const keys = spec.answer.keys.map((k) => (fill(k) === 'esc' ? 'Escape' : fill(k)));
    return { keys: spec.submit ? [...keys, 'Enter'] : keys };
  }
  return { text: fill(spec.answer.text), submit: spec.submit };
}

/** A prompt's identity: the same question with the same choices is the same interaction. */
export function promptKey(prompt: { kind: string; prompt: string; choices: InteractionChoice[]; detail?: InteractionDetail | null | undefined }): string {
  return JSON.stringify([prompt.kind, prompt.prompt, prompt.choices.map((c) => [c.id, c.label]), prompt.detail?.command ?? null]);
}
