import { InteractionListRequest, InteractionRespondRequest, SessionApproveRequest } from '../../shared/protocol/interaction.js';
import { request, resolveSession, sessionRequest } from '../rpc/handler.js';

export const interactionList = request(InteractionListRequest, (p, ctx) => ({
  interactions: ctx.services.interactions.list({
    sessionId: p.session === undefined ? undefined : resolveSession(ctx, p.session).id,
    status: p.status,
  }),
}));

export const interactionRespond = request(InteractionRespondRequest, (p, { services }) => services.interactions.respond(p.id, p));

export const sessionApprove = sessionRequest(SessionApproveRequest, (p, session, { services }) =>
  services.interactions.approve(session.id, p.deny === true),
);
