import { z } from 'zod';
import { EventsSubscribeRequest, EventsUnsubscribeRequest } from '../../shared/protocol/events.js';
import type { EventType } from '../../shared/protocol/model.js';
import { request, resolveSession } from '../rpc/handler.js';
import { eventType, sessionRef } from './schemas.js';

const subscribeParams = z.strictObject({
  fromSeq: z.number().int().min(0).optional(),
  sessions: z.array(sessionRef).max(10_000).optional(),
  types: z.array(eventType).optional(),
});

export const eventsSubscribe = request(
  EventsSubscribeRequest,
  subscribeParams as z.ZodType<{ fromSeq?: number; sessions?: string[]; types?: EventType[] }>,
  (p, ctx) => {
    const sessions = p.sessions?.map((ref) => resolveSession(ctx, ref).id);
    return ctx.services.subscriptions.subscribe(ctx.conn, { fromSeq: p.fromSeq, sessions, types: p.types });
  },
);

export const eventsUnsubscribe = request(
  EventsUnsubscribeRequest,
  z.strictObject({ subscriptionId: z.string() }),
  (p, { conn, services }) => {
    services.subscriptions.unsubscribe(conn, p.subscriptionId);
    return {};
  },
);
