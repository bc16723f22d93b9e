import type { ArgSpec, CommandSpec, OptionSpec, Parsed } from './args.js';

/**
 * A command's declaration, typed: `defineCommand` takes the options as an object
 * (camelCase keys; the flag is the key in kebab-case: `noEnter` is `--no-enter`) and
 * the positionals as a tuple, and gives back the plain table row the parser, help and
 * completion read, plus `input()`, which turns a parse into the object the command's
 * run receives. Its type follows the declaration:
 *
 * | declared | run receives |
 * |---|---|
 * | `boolean` | `boolean` (false when absent) |
 * | `string` / `number` | `string \| undefined` / `number \| undefined` |
 * | `duration` (`10m`, `5s`, or plain milliseconds) | `number \| undefined` (milliseconds) |
 * | `string` with `choices` | the union of the choices, or undefined |
 * | `strings` | `string[]` (empty when absent), or an array of the choices |
 * | arg, `required` / optional / `variadic` | `string` / `string \| undefined` / `string[]` |
 * | `program: true` | `program: string[]` |
 *
 * This module is light on purpose: every spec is read on every `sess` start.
 */

interface OptionBase {
  alias?: string;
  description: string;
  /** What to call the value in help: `--name NAME`. */
  value?: string;
}

export type OptionDef =
  | (OptionBase & { type: 'boolean' })
  | (OptionBase & { type: 'number' })
  /** A duration in user words (`10m`, `5s`, `1h30m`) or plain milliseconds; the run receives milliseconds. */
  | (OptionBase & { type: 'duration' })
  | (OptionBase & { type: 'string' | 'strings'; choices?: readonly string[] });

export type OptionDefs = Readonly<Record<string, OptionDef>>;

type ValueOf<D extends OptionDef> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'number' | 'duration' }
    ? number | undefined
    : D extends { type: 'string'; choices: readonly (infer C)[] }
      ? C | undefined
      : D extends { type: 'string' }
        ? string | undefined
        : D extends { type: 'strings'; choices: readonly (infer C)[] }
          ? C[]
          : string[];

/** The typed values of a set of options. */
export type OptionValues<O extends OptionDefs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

type ArgValues<A extends readonly ArgSpec[]> = {
  -readonly [K in A[number] as K['name']]: K extends { variadic: true } ? string[] : K extends { required: true } ? string : string | undefined;
};

type ProgramValue<P> = P extends true ? { program: string[] } : unknown;

export interface CommandDef<O extends OptionDefs, A extends readonly ArgSpec[], P extends boolean> {
  /** One word, or a group and a word (`daemon status`). */
  name: string;
  /** Where `sess --help` lists it (see GROUPS in args.ts). */
  group: CommandSpec['group'];
  /** Older or other spellings that run it too (`templates` for `template ls`); not listed in help. */
  aliases?: readonly string[];
  summary: string;
  /** Longer help, paragraphs separated by blank lines. */
  description?: string;
  /** Positionals, in order (none when left out). */
  args?: A;
  options: O;
  /** Positionals from the first one on (and everything after `--`) are a program's argv. */
  program?: P;
  examples?: readonly string[];
}

/** A declared command: its table row, and how a parse becomes its run's input. */
export interface TypedSpec<I> extends CommandSpec {
  readonly input: (parsed: Parsed) => I;
}

/** What a command's run receives, from its spec: `Input<typeof spec>`. */
export type Input<S> = S extends TypedSpec<infer I> ? I : never;

/** `agentId` is `--agent-id`. */
export function flag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The table rows of typed option definitions, in declaration order. */
export function optionSpecs(options: OptionDefs): OptionSpec[] {
  return Object.entries(options).map(([key, def]) => ({ name: flag(key), ...def }));
}

/** The typed values of `options`, read from a parse. */
export function optionValues<O extends OptionDefs>(options: O, parsed: Parsed): OptionValues<O> {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(options)) {
    const value = parsed.options[flag(key)];
    out[key] = def.type === 'boolean' ? value === true : def.type === 'strings' ? (value ?? []) : value;
  }
  return out as OptionValues<O>;
}

/** Declares a command (see the top of this file); a name shared by an argument and an option is refused. */
export function defineCommand<const O extends OptionDefs, const A extends readonly ArgSpec[] = [], const P extends boolean = false>(
  def: CommandDef<O, A, P>,
): TypedSpec<OptionValues<O> & ArgValues<A> & ProgramValue<P>> {
  const args: readonly ArgSpec[] = def.args ?? [];
  for (const arg of args) {
    if (Object.hasOwn(def.options, arg.name)) throw new Error(`sess ${def.name}: ${arg.name} is both an argument and an option`);
  }
  const { options, ...row } = def;
  return {
    ...row,
    args,
    options: optionSpecs(options),
    input: (parsed) => {
      const values: Record<string, unknown> = optionValues(options, parsed);
      for (const arg of args) values[arg.name] = arg.variadic === true ? (parsed.args[arg.name] ?? []) : parsed.args[arg.name];
      if (def.program === true) values.program = parsed.program;
      return values as OptionValues<O> & ArgValues<A> & ProgramValue<P>;
    },
  };
}
