import { errors } from '../errors.js';

/** What every list pages by: oldest first, ties broken by id. */
export interface Listed {
  createdAt: string;
  id: string;
}

/** A page when the request names no limit. */
export const DEFAULT_LIST_LIMIT = 500;

/** List order: oldest first, ties broken by id. */
export function compareListed(a: Listed, b: Listed): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function encodeCursor(item: Listed): string {
  return Buffer.from(JSON.stringify([item.createdAt, item.id])).toString('base64url');
}

/** The position a cursor stands for; `method` names the list in the error. */
export function decodeCursor(cursor: string, method: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // Falls through to the error below: a cursor that does not decode is not ours.
  }
  throw errors.invalidParams('cursor', `not a cursor returned by ${method}`);
}

/** True when `item` comes after the cursor's position. */
export function afterCursor(item: Listed, cursor: [string, string] | undefined): boolean {
  return cursor === undefined || item.createdAt > cursor[0] || (item.createdAt === cursor[0] && item.id > cursor[1]);
}

/**
 * One page of `items` (any order, already filtered): sorted, past the cursor, at most
 * `limit`; `nextCursor` when more follow. Pure.
 */
export function page<T extends Listed>(items: T[], params: { limit?: number | undefined; cursor?: string | undefined }, method: string): { items: T[]; nextCursor?: string } {
  const cursor = params.cursor === undefined ? undefined : decodeCursor(params.cursor, method);
  const limit = params.limit ?? DEFAULT_LIST_LIMIT;
  const matching = cursor === undefined ? items : items.filter((item) => afterCursor(item, cursor));
  matching.sort(compareListed);
  const out = matching.slice(0, limit);
  const last = out[out.length - 1];
  return matching.length > limit && last !== undefined ? { items: out, nextCursor: encodeCursor(last) } : { items: out };
}
