import yargs, { type Argv } from 'yargs';
import { SessdClient } from '../sdk/client.js';
import type { CommandSpec } from './args.js';
import { COMMANDS, GLOBAL_OPTIONS } from './registry.js';

/**
 * Shell completion, by yargs, from the same command table the parser reads. Loaded
 * only when the shell asks (`sess completion`, or the script's --get-yargs-completions
 * call), so yargs costs nothing on every other command. Session names come from the
 * running sessd; completion never starts one.
 */

/** How long completion waits for sessd before offering no names. */
const COMPLETION_TIMEOUT_MS = 1_000;

function commandBuilder(spec: CommandSpec) {
  return (y: Argv): Argv => {
    for (const o of spec.options) {
      y.option(o.name, {
        ...(o.alias === undefined ? {} : { alias: o.alias }),
        type: o.type === 'strings' ? 'array' : o.type === 'duration' ? 'string' : o.type,
        describe: o.description,
        ...(o.choices === undefined ? {} : { choices: [...o.choices] }),
      });
    }
    return y;
  };
}

function build(argv: string[]): Argv {
  const y = yargs(argv).scriptName('sess').help(false).version(false);
  for (const o of GLOBAL_OPTIONS) y.option(o.name, { type: o.type === 'strings' ? 'array' : (o.type as 'string' | 'boolean'), describe: o.description });
  const groups = new Map<string, CommandSpec[]>();
  for (const spec of COMMANDS) {
    const [first, second] = spec.name.split(' ');
    if (second === undefined) y.command(spec.name, spec.summary, commandBuilder(spec));
    else groups.set(first!, [...(groups.get(first!) ?? []), spec]);
  }
  for (const [group, specs] of groups) {
    y.command(group, `${group} commands`, (g) => {
      for (const spec of specs) g.command(spec.name.split(' ')[1]!, spec.summary, commandBuilder(spec));
      return g;
    });
  }
  const complete = (
    current: string,
    args: { _: (string | number)[] },
    completionFilter: (onCompleted: (error: Error | null, defaults: string[] | undefined) => void) => void,
    done: (completions: string[]) => void,
  ): void => {
    const words = args._.map(String).slice(1);
    const spec = COMMANDS.find((c) => c.name === words.slice(0, c.name.split(' ').length).join(' '));
    const position = spec === undefined ? -1 : words.length - spec.name.split(' ').length - 1;
    const arg = spec?.args[Math.min(Math.max(position, 0), spec.args.length - 1)];
    completionFilter((_error, defaults) => {
      if (spec === undefined || arg?.complete !== 'session' || current.startsWith('-')) {
        done(defaults ?? []);
        return;
      }
      void sessionNames().then((names) => done([...names.filter((n) => n.startsWith(current)), ...(defaults ?? [])]));
    });
  };
  return y.completion('completion', 'Print a shell completion script', complete as never);
}

async function sessionNames(): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(resolve, COMPLETION_TIMEOUT_MS, [])));
  const names = (async () => {
    const client = await SessdClient.connect({ clientName: 'sess-completion' });
    try {
      return (await client.listAll()).map((s) => (s.space === 'default' ? s.name : `${s.space}/${s.name}`));
    } finally {
      client.dispose();
    }
  })().catch(() => []);
  const result = await Promise.race([names, timeout]);
  clearTimeout(timer);
  return result;
}

/** Handles `sess --get-yargs-completions ...` (the completion script's call) and `sess completion`. */
export async function complete(argv: string[]): Promise<number> {
  await build(argv).parseAsync();
  return 0;
}
