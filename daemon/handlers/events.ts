import { EventsSubscribeRequest, EventsUnsubscribeRequest } from '../../shared/protocol/events.js';
import type { Subscriptions } from '../events/subscriptions.js';
import { request, resolveSession, type Handler, type SessionLookup } from '../rpc/handler.js';

export function eventsSubscribe({ sessions, subscriptions }: { sessions: SessionLookup; subscriptions: Subscriptions }): Handler {
  return request(EventsSubscribeRequest, (p, { conn }) => {
    const ids = p.sessions?.map((ref) => resolveSession(sessions, ref).id);
    return subscriptions.subscribe(conn, { fromSeq: p.fromSeq, sessions: ids, types: p.types });
  });
}

export function eventsUnsubscribe({ subscriptions }: { subscriptions: Subscriptions }): Handler {
  return request(EventsUnsubscribeRequest, (p, { conn }) => {
    subscriptions.unsubscribe(conn, p.subscriptionId);
    return {};
  });
}
