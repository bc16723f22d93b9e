import type { JsonObject, TerminalSize } from '../../shared/protocol/model.js';
import { UsageError } from './args.js';

/** Option values that need more reading than the parser does: KEY=VALUE pairs, JSON objects, sizes. */

/** key=value pairs from repeated options, as a map; a malformed one is a usage error. */
export function pairs(values: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} takes KEY=VALUE (got ${JSON.stringify(item)})`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `--size COLSxROWS`, for `command`'s usage error. */
export function terminalSize(text: string, command: string): TerminalSize {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--size takes COLSxROWS, e.g. 160x48 (got ${JSON.stringify(text)})`, command);
  return { cols: Number(m[1]), rows: Number(m[2]) };
}

export function jsonObject(text: string, option: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--${option} takes a JSON object (got ${JSON.stringify(text)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--${option} takes a JSON object`);
  return value as JsonObject;
}
