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

/** How deep params may nest: far beyond any real request, far below what would exhaust the stack while checking them. */
export const MAX_PARAMS_DEPTH = 64;

/** The path to the first value nested deeper than `max`, or null. Iterative: the input may be deeper than the stack. */
function tooDeep(value: unknown, max: number): PropertyKey[] | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) return path;
    const entries: [PropertyKey, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.entries(v);
    for (const [key, item] of entries) if (item !== null && typeof item === 'object') stack.push({ value: item, path: [...path, key] });
  }
  return null;
}

/** Validates params, or throws -32602 naming the first offending field. */
export function parseParams<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (Array.isArray(raw)) fail('params', 'must be an object (parameters by name), not an array');
  const deep = tooDeep(raw, MAX_PARAMS_DEPTH);
  if (deep !== null) fail(fieldName(deep.slice(0, 3)), `is nested deeper than ${MAX_PARAMS_DEPTH} levels`);
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
