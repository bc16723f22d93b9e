import { InteractionListRequest, InteractionRespondRequest, SessionApproveRequest } from '../../shared/protocol/interaction.js';
import type { Interactions } from '../activity/interactions.js';
import { request, resolveSession, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import { personAnswerer } from '../policies/audit.js';
import { page } from '../sessions/paging.js';

export function interactionList({ sessions, interactions }: { sessions: SessionLookup; interactions: Interactions }): Handler {
  return request(InteractionListRequest, (p) => {
    const found = interactions.list({
      sessionId: p.session === undefined ? undefined : resolveSession(sessions, p.session).id,
      status: p.status,
    });
    const { items, nextCursor } = page(found, p, 'interaction/list');
    return nextCursor === undefined ? { interactions: items } : { interactions: items, nextCursor };
  });
}

export function interactionRespond({ interactions }: { interactions: Interactions }): Handler {
  return request(InteractionRespondRequest, (p, ctx) => interactions.respond(p.id, p, personAnswerer(ctx.conn.clientName)));
}

export function sessionApprove({ sessions, interactions }: { sessions: SessionLookup; interactions: Interactions }): Handler {
  return sessionRequest(SessionApproveRequest, sessions, (p, session, ctx) => interactions.approve(session.id, p.deny === true, personAnswerer(ctx.conn.clientName)));
}
