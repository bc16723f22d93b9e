import { z } from 'zod';
import type { InteractionKind } from '../../shared/protocol/model.js';
import { DETAIL_READERS, type DetailReader } from './detail.js';

/**
 * Agent profiles: how to read a program's screen. Each is a small declarative
 * description, matched against the bottom of the screen once output settles
 * (see screen.ts). Patterns see lines with box borders (`│`) and surrounding space
 * removed.
 *
 * Over 300 lines: most of it is the built-in profiles themselves, data read off the
 * real programs' screens (test/fixtures/screens/REAL.md), kept in one place so that a
 * change of an agent's UI is one diff here.
 */
export interface AgentProfile {
  name: string;
  description: string;
  /** The cursor's line (see `idleBeforeCursor`) when the program waits for a new task. */
  idle: RegExp[];
  /**
   * `idle` patterns see only the cursor row's text left of the cursor: an input that
   * shows a placeholder after the cursor is empty, one with typed text is not.
   */
  idleBeforeCursor: boolean;
  /**
   * Lines of which one must show below the cursor's row for `idle` to count: the
   * program has finished starting (its splash shows an input that is not live yet).
   * Empty: nothing needed.
   */
  ready: RegExp[];
  /** Lines that say what keeps the program from working (a model it cannot reach): reported as the session's `notice`. */
  problems: RegExp[];
  /**
   * How a message is typed: \`keys\` types it (a paste for long text) with Enter in the
   * same burst; \`paste-then-enter\` pastes it (bracketed) and presses Enter in a write of
   * its own once the screen shows the text (programs that take an Enter arriving with
   * the text as part of a paste).
   */
  submit: 'keys' | 'paste-then-enter';
  /** A line near the bottom that means the program is still working, even while quiet. */
  busy: RegExp[];
  /**
   * For programs that draw their input before a turn is over: the transcript's last
   * entry above the input row (the nearest row above it that starts at the left edge,
   * unless a row matching `ended` comes first) that matches `open` means the turn goes
   * on, so the input reads as busy until output has been quiet for QUIET_MS. Null:
   * not checked.
   */
  unfinished: { open: RegExp[]; ended: RegExp[] } | null;
  /** Questions the program asks, checked before `busy` and `idle`. */
  prompts: PromptSpec[];
  /**
   * What settled output that matches nothing means, once it has stayed quiet for
   * QUIET_MS: `idle` for programs with no recognisable prompt, `busy` for a shell
   * running something quiet, `unknown` where a guess would mislead.
   */
  quiet: 'idle' | 'busy' | 'unknown';
  /** Keys that interrupt the program's current work. */
  interrupt: string[];
}

export interface PromptSpec {
  kind: InteractionKind;
  /**
   * The question: matched on its row, or on its row joined with the rows it wraps
   * onto. A named group `prompt` is what the interaction shows (else the whole text).
   */
  question: RegExp;
  /**
   * Where the choices are: one per line below the question (`line`, with groups `id`,
   * `label` and optionally `key`), inside the question line (`inline`, a global regex
   * with the same groups), a fixed list, or none (a free-text question).
   */
  choices: { line: RegExp } | { inline: RegExp } | { fixed: { id: string; label: string }[] } | null;
  /** Lines allowed below the prompt (hints such as "Esc to cancel"); blank lines and box edges always are. */
  trailer: RegExp | null;
  /**
   * How a choice is given: `{id}` and `{key}` are replaced by the choice's id and
   * key (the key falls back to the id); `keys` sends tmux key names, `text` types text.
   */
  answer: { keys: string[] } | { text: string };
  /** Whether Enter follows the answer. */
  submit: boolean;
  /** Which choice approves, and which denies (matched against labels, first match wins). */
  approve: RegExp | null;
  deny: RegExp | null;
  /** How what is to be approved is read (detail.ts), or null. */
  detail: DetailReader | null;
}

const NUMBERED = /^(?:[❯›>▶]\s*)?(?<id>\d+)[.)]\s+(?<label>.+?)(?:\s+\((?<key>[a-z]|esc)\))?$/u;
const YES_NO = [
  { id: 'y', label: 'Yes' },
  { id: 'n', label: 'No' },
];
/** `[y/N]`, `[Y/n]`, `(y/n)`, `(yes/no)` at the end of a line. */
const YES_NO_QUESTION = /(?:\[[yY]\/[nN]\]|\((?:y\/n|yes\/no)\))\s*[?:]?\s*$/;

function yesNo(): PromptSpec {
  return {
    kind: 'approval',
    question: YES_NO_QUESTION,
    choices: { fixed: YES_NO },
    trailer: null,
    answer: { text: '{id}' },
    submit: true,
    approve: /^yes/i,
    deny: /^no/i,
    detail: null,
  };
}

function password(): PromptSpec {
  return {
    kind: 'question',
    question: /(?:password|passphrase)(?: for [^:]+)?:\s*$/i,
    choices: null,
    trailer: null,
    answer: { text: '{id}' },
    submit: true,
    approve: null,
    deny: null,
    detail: null,
  };
}

/** What a profile has unless it says otherwise. */
const PLAIN: Pick<AgentProfile, 'idleBeforeCursor' | 'ready' | 'problems' | 'submit' | 'unfinished'> = {
  idleBeforeCursor: false,
  ready: [],
  problems: [],
  submit: 'keys',
  unfinished: null,
};

/**
 * The built-in profiles, from the programs' own screens (fixtures in
 * test/fixtures/screens; test/unit/profiles.test.ts reads them).
 */
export const BUILT_IN_PROFILES: readonly AgentProfile[] = [
  {
    name: 'shell',
    description: 'An interactive shell: idle at its prompt, busy while a command runs',
    ...PLAIN,
    idle: [/(?:^|\s)[^\s]*[$#%>❯]$/u],
    busy: [],
    prompts: [yesNo(), password()],
    quiet: 'busy',
    interrupt: ['C-c'],
  },
  {
    // Claude Code (2.1; REAL.md): the input row is `❯` and a no-break space between two
    // rules, the (hidden) cursor right after it; older versions drew `> ` in a box. A
    // menu's selected row starts with `❯ 1.` too, its cursor before the `❯`. Working:
    // "esc to interrupt" in the footer (the empty input row shows meanwhile). Permission
    // and trust dialogs are numbered menus where a digit picks a choice.
    name: 'claude',
    description: 'Claude Code',
    ...PLAIN,
    idle: [/^[>❯]$/u],
    idleBeforeCursor: true,
    busy: [/esc to interrupt/i, /^[✻✶✳✢✽·*]\s+\S+…/u],
    problems: [/^Unable to connect to Anthropic services$/, /Unable to connect to API\b/],
    submit: 'paste-then-enter',
    prompts: [
      {
        kind: 'approval',
        question: /^(?:Do you want to .+\?|Would you like to proceed\?|Do you trust the files in this folder\?)$/,
        choices: { line: NUMBERED },
        trailer: /^(?:Esc to (?:cancel|exit)|Enter to confirm|ctrl-g to edit|Press .+ to)/i,
        answer: { keys: ['{id}'] },
        submit: false,
        approve: /^yes/i,
        deny: /^no/i,
        detail: 'claude-tool',
      },
      {
        // The folder-trust dialog: "Quick safety check: Is this a project you created or
        // one you trust? (Like your own code, …", wrapped, then `❯ 1. Yes, I trust this folder`.
        kind: 'approval',
        question: /^(?:Quick safety check: )?(?<prompt>Is this a project you created or one you trust\?)/,
        choices: { line: NUMBERED },
        trailer: /^(?:Esc to (?:cancel|exit)|Enter to confirm)/i,
        answer: { keys: ['{id}'] },
        submit: false,
        approve: /^yes/i,
        deny: /^no/i,
        detail: null,
      },
    ],
    quiet: 'unknown',
    interrupt: ['Escape'],
  },
  {
    // Codex CLI (0.171; REAL.md): the composer row starts with `›`, a placeholder after
    // the cursor when empty; below it, once started, the model and folder line
    // ("gpt-5 high · ~/proj"; older versions: "100% context left"): the splash shows the
    // composer without it. "esc to interrupt" while working; approvals and the trust
    // dialog are numbered menus, approvals with a shortcut key in parentheses.
    name: 'codex',
    description: 'OpenAI Codex CLI',
    ...PLAIN,
    idle: [/^›$/u],
    idleBeforeCursor: true,
    ready: [/^\S.* · [~/]/u, /\d+% context left/],
    // "• Running CMD" shows from the model's tool call until the command ran (or its
    // approval shows), with the empty composer below and no "esc to interrupt".
    busy: [/esc to interrupt/i, /^Waiting for startup\b/, /^• Running /u],
    // Between the model's tool call and the command's approval (~0.9 s), Codex shows the
    // model's message (`• …`) over the empty composer with no working sign; a turn that
    // is over ends with "Worked for 2s • 9:27 AM" (or `■ Conversation interrupted`).
    unfinished: { open: [/^[•›] /u], ended: [/^Worked for \S/u] },
    submit: 'paste-then-enter',
    prompts: [
      {
        kind: 'approval',
        question: /^(?:Would you like to .+\?|Allow command\?|Approve .+\?)$/,
        choices: { line: NUMBERED },
        trailer: /^(?:Press enter to confirm|Esc to cancel)/i,
        answer: { keys: ['{key}'] },
        submit: false,
        approve: /^yes/i,
        deny: /^no/i,
        detail: 'codex-command',
      },
      {
        // "Trust this folder? Codex can read, edit, and run files here, …" (wrapped), then
        // `› 1. Trust and continue` / `2. Back to …`.
        kind: 'approval',
        question: /^(?<prompt>Trust this folder\?)/,
        choices: { line: NUMBERED },
        trailer: /^(?:enter continue|esc back)/i,
        answer: { keys: ['{id}'] },
        submit: false,
        approve: /^trust/i,
        deny: /^back/i,
        detail: null,
      },
    ],
    quiet: 'unknown',
    interrupt: ['Escape'],
  },
  {
    // aider: `> ` (or `architect> `, `ask> `, ...) when idle; confirmations such as
    // "Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]:" answered by a letter.
    name: 'aider',
    description: 'aider',
    ...PLAIN,
    idle: [/^(?:[a-z-]+)?>$/],
    busy: [/^Waiting for /, /Tokens: .* sent/],
    prompts: [
      {
        kind: 'approval',
        question: /\?\s+(?:\([A-Z]\)[A-Za-z' ]*\/?)+\s*\[[A-Za-z' ]+\]:$/,
        choices: { inline: /\((?<key>[A-Z])\)(?<label>[A-Za-z' ]*?)(?=\/|\s*\[)/g },
        trailer: null,
        answer: { text: '{key}' },
        submit: true,
        approve: /^yes/i,
        deny: /^no/i,
        detail: null,
      },
    ],
    quiet: 'unknown',
    interrupt: ['C-c'],
  },
  {
    name: 'generic',
    description: 'Any program: busy while it prints, idle once its output settles',
    ...PLAIN,
    idle: [],
    busy: [],
    prompts: [yesNo()],
    quiet: 'idle',
    interrupt: ['C-c'],
  },
];

/** A profile as written in the config file's `agents` section: patterns are strings. */
const regex = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
    return z.NEVER;
  }
});
const promptSchema = z.strictObject({
  kind: z.enum(['approval', 'question']).default('approval'),
  question: regex,
  choices: z
    .union([
      z.strictObject({ line: regex }),
      z.strictObject({ inline: z.string().transform((s) => new RegExp(s, 'gu')) }),
      z.strictObject({ fixed: z.array(z.strictObject({ id: z.string().min(1), label: z.string() })).min(1) }),
    ])
    .nullable()
    .default(null),
  trailer: regex.nullable().default(null),
  answer: z.union([z.strictObject({ keys: z.array(z.string().min(1)).min(1) }), z.strictObject({ text: z.string() })]).default({ keys: ['{id}'] }),
  submit: z.boolean().default(false),
  approve: regex.nullable().default(null),
  deny: regex.nullable().default(null),
  detail: z.enum(DETAIL_READERS).nullable().default(null),
});
const profileSchema = z.strictObject({
  description: z.string().default('Defined in the config file'),
  /** A built-in profile whose fields this one starts from. */
  extends: z.string().optional(),
  idle: z.array(regex).optional(),
  idleBeforeCursor: z.boolean().optional(),
  ready: z.array(regex).optional(),
  problems: z.array(regex).optional(),
  submit: z.enum(['keys', 'paste-then-enter']).optional(),
  busy: z.array(regex).optional(),
  unfinished: z.strictObject({ open: z.array(regex).min(1), ended: z.array(regex).default([]) }).nullable().optional(),
  prompts: z.array(promptSchema).optional(),
  quiet: z.enum(['idle', 'busy', 'unknown']).optional(),
  interrupt: z.array(z.string().min(1)).min(1).optional(),
});

/** What is wrong with an `agents` section: the field's path from the top of the file, and why. */
export interface ProfileProblem {
  path: (string | number)[];
  message: string;
}

/** The built-ins with a config file's `agents` section over them, or its first problem. */
export function buildProfiles(section: Record<string, unknown> | undefined): { profiles: Map<string, AgentProfile> } | { problem: ProfileProblem } {
  const profiles = new Map(BUILT_IN_PROFILES.map((p) => [p.name, p]));
  for (const [name, raw] of Object.entries(section ?? {})) {
    const parsed = profileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { problem: { path: ['agents', name, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message } };
    }
    const { extends: base, ...fields } = parsed.data;
    const from = base === undefined ? BUILT_IN_PROFILES.find((p) => p.name === 'generic')! : profiles.get(base);
    if (from === undefined) return { problem: { path: ['agents', name, 'extends'], message: `no profile ${base}` } };
    profiles.set(name, { ...from, ...stripUndefined(fields), name });
  }
  return { profiles };
}

/** The profiles in use: the built-ins, then the config file's (which may replace a built-in). */
export class Profiles {
  private readonly byName = new Map<string, AgentProfile>();

  constructor() {
    this.configure(undefined);
  }

  /** Applies a config file's `agents` section; returns what was wrong with it (nothing applied then). */
  configure(section: Record<string, unknown> | undefined): string | null {
    const built = buildProfiles(section);
    if ('problem' in built) return `${built.problem.path.join('.')}: ${built.problem.message}`;
    this.byName.clear();
    for (const [name, profile] of built.profiles) this.byName.set(name, profile);
    return null;
  }

  /** The named profile; an unknown name reads the screen like `generic`. */
  get(name: string): AgentProfile {
    return this.byName.get(name) ?? this.byName.get('generic')!;
  }

  list(): AgentProfile[] {
    return [...this.byName.values()];
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
