/**
 * The command line, parsed from a declarative table (each command's spec, collected in
 * registry.ts). Pure: argv in, a command and its values out, or a UsageError that says
 * what to type instead. spec.ts turns the values into the typed object a command runs on.
 *
 * Rules: `--name value`, `--name=value`, `-n value`; booleans take no value;
 * `strings` options repeat (`-e A=1 -e B=2`); options may come before or after
 * positionals; `--` ends options. A command that runs a program (`sess new`) stops
 * reading options at its first positional, so `sess new claude --model x` passes
 * `--model x` to claude.
 */

import { parseDuration } from '../../shared/duration.js';
import { didYouMean } from './suggest.js';

export type OptionType = 'string' | 'boolean' | 'number' | 'strings' | 'duration';

export interface OptionSpec {
  name: string;
  alias?: string;
  type: OptionType;
  description: string;
  /** What to call the value in help: `--name NAME`. */
  value?: string;
  choices?: readonly string[];
}

export interface ArgSpec {
  name: string;
  required?: boolean;
  /** Takes every remaining positional. */
  variadic?: boolean;
  /** What shell completion offers here. */
  complete?: 'session';
}

/** The headings of `sess --help`, in the order shown. */
export const GROUPS = ['Sessions', 'Using a session', 'Answering', 'Lifecycle', 'Checkpoints', 'Watching', 'Templates and spaces', 'sessd itself'] as const;

export interface CommandSpec {
  /** One word, or a group and a word (`daemon status`). */
  name: string;
  /** Where `sess --help` lists it. */
  group: (typeof GROUPS)[number];
  /** Other spellings that run it too (`templates` for `template ls`). */
  aliases?: readonly string[];
  summary: string;
  /** Longer help, paragraphs separated by blank lines. */
  description?: string;
  args: readonly ArgSpec[];
  options: readonly OptionSpec[];
  /** Positionals from the first one on (and everything after `--`) are a program's argv. */
  program?: boolean;
  examples?: readonly string[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help would help, if known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Parsed<C extends CommandSpec = CommandSpec> {
  command: C | undefined;
  /** Positionals by argument name (variadic ones as arrays). */
  args: Record<string, string | string[] | undefined>;
  options: Record<string, string | boolean | number | string[] | undefined>;
  /** A program's argv, for commands that run one. */
  program: string[];
  help: boolean;
  version: boolean;
  /** The words typed when they name a group of commands but no command (`sess daemon`). */
  group?: string;
}

export function parse<C extends CommandSpec>(argv: readonly string[], commands: readonly C[], globals: readonly OptionSpec[]): Parsed<C> {
  const out: Parsed<C> = { command: undefined, args: {}, options: {}, program: [], help: false, version: false };
  const positionals: string[] = [];
  let options = index(globals);

  /** Reads the option at argv[i] (for `spec`, once known); returns the index of the last token it used. */
  const option = (i: number, spec?: CommandSpec): number => {
    const token = argv[i]!;
    if (token === '--help' || token === '-h') {
      out.help = true;
      return i;
    }
    if (spec === undefined && (token === '--version' || token === '-V')) {
      out.version = true;
      return i;
    }
    const long = token.startsWith('--');
    const [key, inline] = long ? splitInline(token.slice(2)) : [token.slice(1), undefined];
    const found = long ? options.long.get(key) : options.short.get(key);
    if (found === undefined) {
      const hint = long ? didYouMean(key, options.long.keys(), (c) => `--${c}`) : '';
      throw new UsageError(`unknown option ${token}${spec ? ` for sess ${spec.name}` : ''}${hint}`, spec?.name);
    }
    if (found.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${found.name} takes no value`, spec?.name);
      out.options[found.name] = true;
      return i;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined) throw new UsageError(`--${found.name} needs a value${found.value ? ` (${found.value})` : ''}`, spec?.name);
    out.options[found.name] = convert(found, value, spec?.name, out.options[found.name]);
    return inline === undefined ? i + 1 : i;
  };
  const isOption = (token: string): boolean => token.startsWith('-') && token !== '-' && token !== '--' && !/^-\d/.test(token);

  // The command: the longest run of words that names one (or one of its aliases); global options may come first.
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])].map((name) => ({ name, spec: c })));
  const words: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i]!;
    if (isOption(token)) {
      // After a whole command (`messages`, which `messages cancel` extends), options are that command's.
      if (words.length > 0 && names.some((n) => n.name === words.join(' '))) break;
      i = option(i);
      continue;
    }
    const candidate = [...words, token].join(' ');
    if (!names.some((n) => n.name === candidate || n.name.startsWith(candidate + ' '))) break;
    words.push(token);
    const exact = names.find((n) => n.name === candidate);
    if (exact !== undefined && !names.some((n) => n.name.startsWith(candidate + ' '))) {
      i++;
      break;
    }
  }
  const name = words.join(' ');
  const spec = (out.command = names.find((n) => n.name === name)?.spec);
  if (spec === undefined) {
    if (words.length > 0) out.group = name;
    const next = argv.slice(i).find((t) => !isOption(t));
    if ((out.help || out.version) && (next === undefined || words.length > 0)) return out;
    const group = names.filter((n) => n.name.startsWith(name + ' ')).map((n) => n.name);
    if (words.length > 0 && next !== undefined) {
      const typed = `${name} ${next}`;
      const hint = didYouMean(typed, group, (c) => `"sess ${c}"`);
      throw new UsageError(`unknown command "sess ${typed}"${hint === '' ? `; sess ${name} takes ${group.join(', ')}` : hint}`, name);
    }
    if (words.length > 0) throw new UsageError(`sess ${name} needs a subcommand: ${group.join(', ')}`, name);
    if (i < argv.length) {
      const firstWords = [...new Set(names.map((n) => n.name.split(' ')[0]!))];
      throw new UsageError(`unknown command ${JSON.stringify(argv[i])}${didYouMean(argv[i]!, firstWords, (c) => `"${c}"`)}`);
    }
    return out;
  }
  options = index([...spec.options, ...globals]);

  for (; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      (spec.program === true ? out.program : positionals).push(...argv.slice(i + 1));
      break;
    }
    if (isOption(token)) {
      i = option(i, spec);
      continue;
    }
    if (spec.program === true) {
      out.program.push(...argv.slice(i));
      break;
    }
    positionals.push(token);
  }
  if (out.help) return out;
  let p = 0;
  for (const arg of spec.args) {
    const missing = arg.required === true && positionals[p] === undefined;
    if (missing) throw new UsageError(`sess ${spec.name} needs ${arg.name.toUpperCase()}`, spec.name);
    if (arg.variadic === true) {
      out.args[arg.name] = positionals.slice(p);
      p = positionals.length;
    } else {
      out.args[arg.name] = positionals[p++];
    }
  }
  if (p < positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[p])} for sess ${spec.name}`, spec.name);
  return out;
}

function index(specs: readonly OptionSpec[]): { long: Map<string, OptionSpec>; short: Map<string, OptionSpec> } {
  return {
    long: new Map(specs.map((o) => [o.name, o])),
    short: new Map(specs.filter((o) => o.alias !== undefined).map((o) => [o.alias!, o])),
  };
}

function splitInline(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq === -1 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

function convert(option: OptionSpec, value: string, command: string | undefined, previous: unknown): string | number | string[] {
  if (option.choices !== undefined && !option.choices.includes(value)) {
    const hint = didYouMean(value, option.choices);
    throw new UsageError(`--${option.name} must be one of ${option.choices.join(', ')} (got ${JSON.stringify(value)}${hint})`, command);
  }
  if (option.type === 'duration') {
    // Plain milliseconds, as these options took before they took words.
    const ms = /^\d+$/.test(value) ? Number(value) : parseDuration(value);
    if (ms === null) throw new UsageError(`--${option.name} takes a duration such as 500ms, 5s, 10m, 1h30m or 2d (got ${JSON.stringify(value)})`, command);
    return ms;
  }
  if (option.type === 'number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${option.name} needs a number (got ${JSON.stringify(value)})`, command);
    return n;
  }
  if (option.type === 'strings') return [...((previous as string[] | undefined) ?? []), value];
  return value;
}
