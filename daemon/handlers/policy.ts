import { AuditListRequest, PolicyTestRequest } from '../../shared/protocol/policy.js';
import type { PolicyService } from '../policies/service.js';
import { request, resolveSession, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import { page } from '../sessions/paging.js';

export function auditList({ sessions, policies }: { sessions: SessionLookup; policies: PolicyService }): Handler {
  return request(AuditListRequest, (p) => {
    const found = policies.list({ sessionId: p.session === undefined ? undefined : resolveSession(sessions, p.session).id, since: p.since });
    const { items, nextCursor } = page(found, p, 'audit/list');
    return nextCursor === undefined ? { entries: items } : { entries: items, nextCursor };
  });
}

export function policyTest({ sessions, policies }: { sessions: SessionLookup; policies: PolicyService }): Handler {
  return sessionRequest(PolicyTestRequest, sessions, (p, session) => policies.test(session, p.detail));
}
