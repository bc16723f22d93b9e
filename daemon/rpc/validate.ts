import type { z } from 'zod';
import { errors } from '../errors.js';

/** A zod path as a field name: `labels.team`, `keys[2]`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'params' : out;
}

/** Validates params, or throws -32602 naming the first offending field. */
export function parseParams<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (Array.isArray(raw)) fail('params', 'must be an object (parameters by name), not an array');
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    return fail(fieldName([...issue.path, issue.keys[0]!]), 'unknown field');
  }
  return fail(fieldName(issue.path), issue.message);
}

function fail(field: string, message: string): never {
  throw errors.invalidParams(field, message);
}
