import { EventsSubscribeRequest, EventsUnsubscribeRequest } from '../../shared/protocol/events.js';
import { request, resolveSession } from '../rpc/handler.js';

export const eventsSubscribe = request(EventsSubscribeRequest, (p, ctx) => {
  const sessions = p.sessions?.map((ref) => resolveSession(ctx, ref).id);
  return ctx.services.subscriptions.subscribe(ctx.conn, { fromSeq: p.fromSeq, sessions, types: p.types });
});

export const eventsUnsubscribe = request(EventsUnsubscribeRequest, (p, { conn, services }) => {
  services.subscriptions.unsubscribe(conn, p.subscriptionId);
  return {};
});
