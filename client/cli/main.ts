#!/usr/bin/env node
/** `sess`: the command-line client. */
const USAGE = `sess: talk to sessd, the daemon that keeps your terminal sessions.

The commands come with the client SDK; this build only knows --help and --version.

Usage: sess <command> [options]
`;

const args = process.argv.slice(2);
if (args[0] === '--version') {
  process.stdout.write('0.1.0\n');
} else if (args.length === 0 || args[0] === '--help' || args[0] === 'help') {
  process.stdout.write(USAGE);
} else {
  process.stderr.write(`sess: unknown command ${JSON.stringify(args[0])}\n\n${USAGE}`);
  process.exitCode = 2;
}
