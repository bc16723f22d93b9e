import { Daemon } from './app.js';
import { createLogger } from './log.js';
import { parseOptions } from './options.js';
import { ListenError } from './rpc/listener.js';
import { StoreDamaged } from './store/check.js';
import { isDuplicateCommitFailure } from './store/store.js';

/**
 * Where launch.ts leaves the function that writes its code cache, when this start had
 * none to use; called once ready, so the cache holds what a start compiles.
 */
const SAVE_CODE_CACHE = Symbol.for('sessd.codeCache.save');

/**
 * `sessd`: wiring only. Exit codes: 0 stopped cleanly, 1 could not start or crashed.
 * Built into `dist/daemon/sessd.cjs`, which the entry point (launch.ts) loads.
 */
async function main(): Promise<void> {
  const options = await parseOptions(process.argv.slice(2));
  const logger = await createLogger(options.logLevel ?? process.env.SESSD_LOG_LEVEL ?? 'info');
  const { log } = logger;
  // A bug must not leave a daemon that half works: log it and exit; systemd restarts it
  // and the sessions, owned by the tmux server, are adopted again. Installed before
  // start-up: writes begin then (taps resend output), and lmdb's duplicate rejection of
  // a refused commit must not end a start on a full disk.
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    if (isDuplicateCommitFailure(error)) {
      log.debug({ err: error }, 'lmdb left a refused commit unobserved; its writer was told');
      return;
    }
    log.fatal({ err: error }, 'unhandled rejection');
    process.exit(1);
  });
  let daemon: Daemon;
  try {
    daemon = await Daemon.start(options, log, logger);
  } catch (error) {
    if (error instanceof ListenError || error instanceof StoreDamaged) {
      log.error(error.message);
      process.stderr.write(`sessd: ${error.message}\n`);
    } else {
      log.fatal({ err: error }, 'sessd could not start');
    }
    process.exitCode = 1;
    return;
  }
  const saveCodeCache = (globalThis as Record<symbol, unknown>)[SAVE_CODE_CACHE];
  if (typeof saveCodeCache === 'function') (saveCodeCache as () => void)();
  const stop = (signal: string): void => void daemon.stop(signal);
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  daemon.onStopped(() => {
    logger.close();
    process.exitCode = 0;
  });
}

void main();
