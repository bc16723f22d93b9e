import type { SessionListParams, SessionListResult, SessionSelector } from '../../shared/protocol/session.js';
import type { Session } from '../../shared/protocol/model.js';
import { page } from './paging.js';


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

/** `session/list`: filter, order, page. Pure. */
export function querySessions(all: Iterable<Session>, params: SessionListParams): SessionListResult {
  const after = params.createdAfter === undefined ? undefined : Date.parse(params.createdAfter);
  const before = params.createdBefore === undefined ? undefined : Date.parse(params.createdBefore);
  const matching: Session[] = [];
  for (const s of all) {
    if (!matchesSelector(s, params)) continue;
    if (params.taskId !== undefined && s.taskId !== params.taskId) continue;
    if (params.agentId !== undefined && s.agentId !== params.agentId) continue;
    const created = Date.parse(s.createdAt);
    if (after !== undefined && !(created > after)) continue;
    if (before !== undefined && !(created < before)) continue;
    matching.push(s);
  }
  const { items: sessions, nextCursor } = page(matching, params, 'session/list');
  return nextCursor === undefined ? { sessions } : { sessions, nextCursor };
}
