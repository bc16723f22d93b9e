import type { SessionListParams, SessionListResult, SessionSelector } from '../../shared/protocol/session.js';
import type { Session } from '../../shared/protocol/model.js';
import { errors } from '../errors.js';

export const DEFAULT_LIST_LIMIT = 500;

/** Sessions in list order: oldest first, ties broken by id. */
function compare(a: Session, b: Session): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function labelsMatch(session: Session, labels: Record<string, string> | undefined): boolean {
  if (labels === undefined) return true;
  return Object.entries(labels).every(([key, value]) => session.labels[key] === value);
}

export function matchesSelector(session: Session, selector: SessionSelector): boolean {
  return (
    (selector.space === undefined || session.space === selector.space) &&
    (selector.status === undefined || selector.status.includes(session.status)) &&
    labelsMatch(session, selector.labels)
  );
}

function encodeCursor(session: Session): string {
  return Buffer.from(JSON.stringify([session.createdAt, session.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // Falls through to the error below: a cursor that does not decode is not ours.
  }
  throw errors.invalidParams('cursor', 'not a cursor returned by session/list');
}

/** `session/list`: filter, order, page. Pure. */
export function querySessions(all: Iterable<Session>, params: SessionListParams): SessionListResult {
  const after = params.createdAfter === undefined ? undefined : Date.parse(params.createdAfter);
  const before = params.createdBefore === undefined ? undefined : Date.parse(params.createdBefore);
  const cursor = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
  const limit = params.limit ?? DEFAULT_LIST_LIMIT;
  const matching: Session[] = [];
  for (const s of all) {
    if (!matchesSelector(s, params)) continue;
    if (params.taskId !== undefined && s.taskId !== params.taskId) continue;
    if (params.agentId !== undefined && s.agentId !== params.agentId) continue;
    const created = Date.parse(s.createdAt);
    if (after !== undefined && !(created > after)) continue;
    if (before !== undefined && !(created < before)) continue;
    if (cursor !== undefined && (s.createdAt < cursor[0] || (s.createdAt === cursor[0] && s.id <= cursor[1]))) continue;
    matching.push(s);
  }
  matching.sort(compare);
  const sessions = matching.slice(0, limit);
  const last = sessions[sessions.length - 1];
  return matching.length > limit && last !== undefined ? { sessions, nextCursor: encodeCursor(last) } : { sessions };
}
