import { z } from 'zod';
import { defineNotification, defineRequest } from './define.js';
import { EmptyResultSchema, sessionRef } from './fields.js';
import { EventTypeSchema, SessdEventSchema } from './model.js';

export const EventsSubscribeParamsSchema = z.strictObject({
  /**
   * Replay stored events with `seq >= fromSeq` before live ones. To resume after a
   * disconnect, pass the last seq seen plus one. Omitted: live events only.
   */
  fromSeq: z.number().int().min(0).optional(),
  /** Only these sessions (references are resolved when subscribing). */
  sessions: z.array(sessionRef).max(10_000).optional(),
  /** Only these event types. */
  types: z.array(EventTypeSchema).optional(),
});
export type EventsSubscribeParams = z.infer<typeof EventsSubscribeParamsSchema>;

export const EventsSubscribeResultSchema = z.object({
  subscriptionId: z.string(),
  /** The newest event's seq when subscribing (0 when there is none); live events follow it. */
  lastSeq: z.number(),
  /** Extension: the oldest seq still kept; a `fromSeq` below it lost the events in between. */
  oldestSeq: z.number(),
});
export type EventsSubscribeResult = z.infer<typeof EventsSubscribeResultSchema>;

export const EventNotificationParamsSchema = z.object({
  subscriptionId: z.string(),
  event: SessdEventSchema,
});
export type EventNotificationParams = z.infer<typeof EventNotificationParamsSchema>;

/** Replayed and live events arrive as `events/event` notifications, in `seq` order, without gaps or repeats. */
export const EventsSubscribeRequest = defineRequest('events/subscribe', EventsSubscribeParamsSchema, EventsSubscribeResultSchema);
export const EventsUnsubscribeRequest = defineRequest('events/unsubscribe', z.strictObject({ subscriptionId: z.string() }), EmptyResultSchema);
export const EventNotification = defineNotification('events/event', EventNotificationParamsSchema);
