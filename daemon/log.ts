import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** JSON lines on stdout (journald keeps them); readable colour when stdout is a terminal. */
export async function createLogger(level: string): Promise<Logger> {
  const options = { level, base: { pid: process.pid } };
  if (process.stdout.isTTY !== true) return pino(options);
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({ colorize: true, sync: true, ignore: 'pid,hostname' }));
}
