import { GROUPS, type CommandSpec, type OptionSpec } from './args.js';
import { COMMANDS, GLOBAL_OPTIONS } from './registry.js';

const HELP_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', alias: 'h', type: 'boolean', description: 'Show help' },
  { name: 'version', alias: 'V', type: 'boolean', description: "Show sess's version" },
];

function wrap(text: string, indent: number, width: number): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line !== '' && indent + line.length + 1 + word.length > width) {
        out.push(' '.repeat(indent) + line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(' '.repeat(indent) + line, '');
  }
  return out.join('\n').trimEnd();
}

function optionRows(options: readonly OptionSpec[], width: number): string {
  const left = options.map((o) => `${o.alias ? `-${o.alias}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`);
  const pad = Math.min(30, Math.max(...left.map((l) => l.length)) + 2);
  return options
    .map((o, i) => {
      const choices = o.choices ? ` (${o.choices.join(', ')})` : '';
      const label = `  ${left[i]!}`.padEnd(pad + 2);
      const body = wrap(o.description + choices, pad + 2, width).trimStart();
      return label.length > pad + 2 ? `  ${left[i]!}\n${' '.repeat(pad + 2)}${body}` : label + body;
    })
    .join('\n');
}

function usage(spec: CommandSpec): string {
  const args = spec.args.map((a) => {
    const name = a.name.toUpperCase() + (a.variadic === true ? '...' : '');
    return a.required === true ? name : `[${name}]`;
  });
  return ['sess', spec.name, '[options]', ...args, ...(spec.program === true ? ['[--] [COMMAND [ARG]...]'] : [])].join(' ');
}

export function commandHelp(spec: CommandSpec, width = process.stdout.columns ?? 80): string {
  const parts = [`sess ${spec.name}: ${spec.summary}`, '', `Usage: ${usage(spec)}`];
  if (spec.description !== undefined) parts.push('', wrap(spec.description, 0, width));
  if (spec.aliases !== undefined) parts.push('', `Also spelled: ${spec.aliases.map((a) => `sess ${a}`).join(', ')}`);
  if (spec.options.length > 0) parts.push('', 'Options:', optionRows(spec.options, width));
  parts.push('', 'Global options:', optionRows([...GLOBAL_OPTIONS, HELP_OPTIONS[0]!], width));
  if (spec.examples !== undefined) parts.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return parts.join('\n') + '\n';
}

/** Each command under its group's heading, in registry order. */
function listing(pad: number): string[] {
  const parts: string[] = [];
  for (const group of GROUPS) {
    const members = COMMANDS.filter((c) => c.group === group);
    if (members.length === 0) continue;
    parts.push('', `${group}:`);
    for (const c of members) parts.push(`  ${c.name.padEnd(pad)}${c.summary}`);
  }
  return parts;
}

/** `sess daemon --help`: the commands of one group of words. */
export function groupHelp(words: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(words + ' '));
  const pad = Math.max(...members.map((c) => c.name.length)) + 4;
  const parts = [`Usage: sess ${words} <command> [options]`, ''];
  for (const c of members) parts.push(`  ${c.name.padEnd(pad)}${c.summary}`);
  parts.push('', `Run \`sess help ${words} <command>\` for what one takes.`);
  return parts.join('\n') + '\n';
}

export function mainHelp(width = process.stdout.columns ?? 80): string {
  const pad = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const parts = [
    'sess: start, watch and talk to long-running terminal sessions (AI coding agents, dev servers, shells) that sessd keeps for you.',
    '',
    'Usage: sess <command> [options]',
    ...listing(pad),
  ];
  parts.push(
    '',
    'Options for every command:',
    optionRows([...GLOBAL_OPTIONS, ...HELP_OPTIONS], width),
    '',
    wrap(
      'SESSION is an id (s7k2m9qv), SPACE/NAME, or a NAME in the default space. sess starts sessd when it is not running. Exit codes: 0 done, 1 failed, 2 usage error, 3 sessd unreachable, 4 not found, 5 timed out (sess wait).\n\nRun `sess help <command>` (or `sess <command> --help`) for what a command takes.',
      0,
      width,
    ),
  );
  return parts.join('\n') + '\n';
}
