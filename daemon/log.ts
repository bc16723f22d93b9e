import { pino, type DestinationStream, type Logger } from 'pino';
import { startedBySystemd } from './systemd/manager.js';
import { RotatingFile } from './log-file.js';
import { redactSecrets } from '../shared/secrets.js';

export { redactSecrets };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export interface SessdLogger {
  log: Logger;
  /** Also writes every line (as JSON) to `file`, rotated at `maxBytes` keeping `files` old ones. */
  addFile(file: string, maxBytes: number, files: number): void;
  /** Closes the log file, if any. */
  close(): void;
}

/**
 * JSON lines on stdout: journald keeps them under systemd (JOURNAL_STREAM or
 * INVOCATION_ID set), and anything else can parse them; readable colour when stdout
 * is a terminal and not the journal. A log file can be added once the config is read.
 */
export async function createLogger(level: string, env: NodeJS.ProcessEnv = process.env): Promise<SessdLogger> {
  const pretty = process.stdout.isTTY === true && !startedBySystemd(env);
  const stdout: DestinationStream = pretty
    ? (await import('pino-pretty')).default({ colorize: true, sync: true, ignore: 'pid,hostname' })
    : pino.destination({ fd: 1, sync: true });
  const streams = pino.multistream([{ stream: stdout, level: 'trace' }], { dedupe: false });
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      formatters: { log: (fields) => redactSecrets(fields) as Record<string, unknown> },
    },
    streams,
  );
  let file: RotatingFile | undefined;
  return {
    log,
    addFile: (path, maxBytes, files) => {
      if (file !== undefined) return;
      file = new RotatingFile(path, maxBytes, files);
      streams.add({ stream: file, level: 'trace' });
    },
    close: () => file?.close(),
  };
}
