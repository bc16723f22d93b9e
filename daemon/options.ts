import yargs from 'yargs';
import { SESSD_VERSION } from '../shared/protocol/version.js';
import { LOG_LEVELS } from './log.js';

export interface DaemonOptions {
  socket?: string | undefined;
  tmuxSocket?: string | undefined;
  stateDir?: string | undefined;
  config?: string | undefined;
  logLevel?: string | undefined;
  /** A log file besides stdout, rotated by size. */
  logFile?: string | undefined;
  tmux: string;
}

/** `sessd` command line; env overrides are applied by resolvePaths. */
export async function parseOptions(argv: string[]): Promise<DaemonOptions> {
  const args = await yargs(argv)
    .scriptName('sessd')
    .usage(
      'sessd: keeps long-running terminal sessions in a private tmux server and serves JSON-RPC on a unix socket.\n\n' +
        'Usage: sessd [options]\n\nRuns in the foreground until SIGTERM or SIGINT; sessions keep running after it stops.',
    )
    .option('socket', { type: 'string', describe: 'Socket to serve [env SESSD_SOCKET; default $XDG_RUNTIME_DIR/sessd/sessd.sock]' })
    .option('tmux-socket', { type: 'string', describe: 'Private tmux server socket [env SESSD_TMUX_SOCKET; default $XDG_RUNTIME_DIR/sessd/tmux.sock]' })
    .option('state-dir', { type: 'string', describe: 'Where the store lives [env SESSD_STATE_DIR; default $XDG_STATE_HOME/sessd]' })
    .option('config', { type: 'string', describe: 'Config file [env SESSD_CONFIG; default $XDG_CONFIG_HOME/sessd/config.yaml]' })
    .option('log-level', { type: 'string', choices: LOG_LEVELS, describe: 'Log level [default info]' })
    .option('log-file', { type: 'string', describe: 'Also log to FILE, rotated at log.maxBytes (default 10M) keeping log.files (default 5) [config log.file]' })
    .option('tmux', { type: 'string', default: 'tmux', describe: 'The tmux program to run' })
    .version(SESSD_VERSION)
    .strict()
    .help()
    .parseAsync();
  return {
    socket: args.socket,
    tmuxSocket: args['tmux-socket'],
    stateDir: args['state-dir'],
    config: args.config,
    logLevel: args['log-level'],
    logFile: args['log-file'],
    tmux: args.tmux,
  };
}
