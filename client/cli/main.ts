#!/usr/bin/env node
/**
 * `sess`: parse the line, load the one command it names, run it, exit with a code a
 * script can rely on (see failure.ts). Loads no dependency on this path, so it
 * starts about as fast as Node itself.
 */
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import { parse } from './args.js';
import { Context } from './context.js';
import { EXIT, report } from './failure.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { globalValues } from './options.js';
import { Output } from './output.js';
import { COMMANDS, GLOBAL_OPTIONS } from './registry.js';

// A reader that stops early (`sess ls | head`) closes the pipe: that ends sess quietly, as it would a C program.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

async function main(argv: string[]): Promise<number> {
  // `sess help CMD` is `sess CMD --help`.
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  const help = argv.includes('--help') || argv.includes('-h');
  if (argv.includes('--get-yargs-completions') || (argv[0] === 'completion' && !help)) {
    const completion = await import('./completion.js');
    return completion.complete(argv);
  }
  let parsed;
  try {
    parsed = parse(argv, COMMANDS, GLOBAL_OPTIONS);
  } catch (error) {
    return report(error, new Output(), argv.includes('--json'));
  }
  if (parsed.version && parsed.command === undefined) {
    process.stdout.write(`sess ${SESSD_VERSION}\n`);
    return EXIT.ok;
  }
  if (parsed.command === undefined || parsed.help) {
    const text = parsed.command !== undefined ? commandHelp(parsed.command) : parsed.group !== undefined ? groupHelp(parsed.group) : mainHelp();
    process.stdout.write(text);
    return parsed.help ? EXIT.ok : EXIT.usage;
  }
  const ctx = new Context(parsed.command.name, globalValues(parsed));
  try {
    return (await parsed.command.run(parsed, ctx)) ?? EXIT.ok;
  } catch (error) {
    return report(error, ctx.out, ctx.json);
  } finally {
    ctx.close();
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
