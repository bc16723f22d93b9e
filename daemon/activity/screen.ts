import type { Activity, InteractionChoice, InteractionKind } from '../../shared/protocol/model.js';
import type { AgentProfile, PromptSpec } from './profiles.js';

/** How far up from the bottom of the screen a prompt's question is looked for. */
const PROMPT_LINES = 30;
/** Lines of detail allowed between a question and its first choice. */
const DETAIL_LINES = 12;
/** How far up from the bottom a `busy` pattern counts. */
const BUSY_LINES = 12;

export interface Screen {
  /** The visible rows, top first. */
  rows: string[];
  /** The cursor's row, when known. */
  cursorRow: number | null;
}

export interface DetectedPrompt {
  kind: InteractionKind;
  /** The question's line as shown. */
  prompt: string;
  choices: (InteractionChoice & { key: string })[];
  spec: PromptSpec;
}

export interface Reading {
  /** `null`: nothing on screen says; the caller decides from how long output has been quiet. */
  activity: Activity | null;
  prompt: DetectedPrompt | null;
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
 * the cursor's row (or the last non-blank row), `idle`; otherwise nothing.
 */
export function read(profile: AgentProfile, screen: Screen): Reading {
  const lines = screen.rows.map(normalize);
  let last = lines.length - 1;
  while (last >= 0 && lines[last] === '') last--;
  if (last < 0) return { activity: null, prompt: null };
  for (const spec of profile.prompts) {
    const prompt = findPrompt(spec, lines, last);
    if (prompt !== null) return { activity: 'waiting', prompt };
  }
  for (let i = last; i >= Math.max(0, last - BUSY_LINES + 1); i--) {
    if (profile.busy.some((p) => p.test(lines[i]!))) return { activity: 'busy', prompt: null };
  }
  const cursorLine = screen.cursorRow === null ? lines[last]! : (lines[screen.cursorRow] ?? '');
  if (profile.idle.some((p) => p.test(cursorLine))) return { activity: 'idle', prompt: null };
  return { activity: null, prompt: null };
}

function findPrompt(spec: PromptSpec, lines: string[], last: number): DetectedPrompt | null {
  for (let i = last; i >= Math.max(0, last - PROMPT_LINES + 1); i--) {
    const line = lines[i]!;
    if (!spec.question.test(line)) continue;
    let choices: DetectedPrompt['choices'] = [];
    let next = i + 1;
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
    return { kind: spec.kind, prompt: line, choices, spec };
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
export function promptKey(prompt: { kind: string; prompt: string; choices: InteractionChoice[] }): string {
  return JSON.stringify([prompt.kind, prompt.prompt, prompt.choices.map((c) => [c.id, c.label])]);
}
