import { InteractionListRequest, InteractionRespondRequest, SessionApproveRequest } from '../../shared/protocol/interaction.js';
import { request, resolveSession, sessionRequest } from '../rpc/handler.js';
import { page } from '../sessions/paging.js';

export const interactionList = request(InteractionListRequest, (p, ctx) => {
  const found = ctx.services.interactions.list({
    sessionId: p.session === undefined ? undefined : resolveSession(ctx, p.session).id,
    status: p.status,
  });
  const { items: interactions, nextCursor } = page(found, p, 'interaction/list');
  return nextCursor === undefined ? { interactions } : { interactions, nextCursor };
});

export const interactionRespond = request(InteractionRespondRequest, (p, { services }) => services.interactions.respond(p.id, p));

export const sessionApprove = sessionRequest(SessionApproveRequest, (p, session, { services }) =>
  services.interactions.approve(session.id, p.deny === true),
);
