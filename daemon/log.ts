import { pino, type DestinationStream, type Logger } from 'pino';
import { startedBySystemd } from './systemd/manager.js';
import { RotatingFile } from './log-file.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Variable names whose values are secrets: never written to a log. */
const SECRET_NAME = /(TOKEN|SECRET|PASSW(OR)?D|PASS$|API_?KEY|PRIVATE|_KEY$|^KEY$|CREDENTIAL|AUTH|COOKIE|SESSION_?ID)/i;
/** Values shaped like well-known credentials, whatever their variable is called. */
const SECRET_VALUE = /^(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abprs]-[\w-]{10,}|AKIA[0-9A-Z]{16}|glpat-[\w-]{20})/;
const REDACTED = '[redacted]';
/** How deep a log line is searched for `env` maps: log lines are shallow. */
const REDACT_DEPTH = 6;

/**
 * A copy of a log line's fields in which the values of secret-looking variables in
 * every `env` map (a session's environment, a spawn spec) are replaced. Pure.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > REDACT_DEPTH || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'env' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[key] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([name, val]) => [name, typeof val === 'string' && (SECRET_NAME.test(name) || SECRET_VALUE.test(val)) ? REDACTED : val]),
      );
    } else {
      out[key] = redactSecrets(v, depth + 1);
    }
  }
  return out;
}

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
