import { z } from 'zod';
import type { InteractionKind } from '../../shared/protocol/model.js';

/**
 * Agent profiles: how to read a program's screen. Each is a small declarative
 * description, matched against the bottom of the screen once output settles
 * (see screen.ts). Patterns see lines with box borders (`│`) and surrounding space
 * removed.
 */
export interface AgentProfile {
  name: string;
  description: string;
  /** A line near the bottom that means the program waits for a new task. */
  idle: RegExp[];
  /** A line near the bottom that means the program is still working, even while quiet. */
  busy: RegExp[];
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
  /** The question's line. */
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
  };
}

/**
 * The built-in profiles, from the programs' own screens (fixtures in
 * test/fixtures/screens; test/unit/profiles.test.ts reads them).
 */
export const BUILT_IN_PROFILES: readonly AgentProfile[] = [
  {
    name: 'shell',
    description: 'An interactive shell: idle at its prompt, busy while a command runs',
    idle: [/(?:^|\s)[^\s]*[$#%>❯]$/u],
    busy: [],
    prompts: [yesNo(), password()],
    quiet: 'busy',
    interrupt: ['C-c'],
  },
  {
    // Claude Code: the input box (`> ` or `❯ `) with "? for shortcuts" below it when
    // idle; "(esc to interrupt)" on the spinner line while working; permission and
    // trust dialogs as numbered menus where a digit picks a choice.
    name: 'claude',
    description: 'Claude Code',
    idle: [/^[>❯](?:\s.*)?$/u, /^\? for shortcuts/],
    busy: [/esc to interrupt/i, /^[✻✶✳✢✽·*]\s+\S+…/u],
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
      },
    ],
    quiet: 'unknown',
    interrupt: ['Escape'],
  },
  {
    // Codex CLI: the composer line starts with `›`; "esc to interrupt" while working;
    // approvals are numbered menus whose choices carry a shortcut key in parentheses.
    name: 'codex',
    description: 'OpenAI Codex CLI',
    idle: [/^›(?:\s.*)?$/u, /\d+% context left/],
    busy: [/esc to interrupt/i],
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
      },
    ],
    quiet: 'unknown',
    interrupt: ['C-c'],
  },
  {
    name: 'generic',
    description: 'Any program: busy while it prints, idle once its output settles',
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
});
const profileSchema = z.strictObject({
  description: z.string().default('Defined in the config file'),
  /** A built-in profile whose fields this one starts from. */
  extends: z.string().optional(),
  idle: z.array(regex).optional(),
  busy: z.array(regex).optional(),
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
