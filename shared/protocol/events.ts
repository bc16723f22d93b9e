import { defineNotification, defineRequest } from './define.js';
import type { EventType, SessdEvent } from './model.js';
import type { SessionRef } from './session.js';

export interface EventsSubscribeParams {
  /**
   * Replay stored events with `seq >= fromSeq` before live ones. To resume after a
   * disconnect, pass the last seq seen plus one. Omitted: live events only.
   */
  fromSeq?: number;
  /** Only these sessions (references are resolved when subscribing). */
  sessions?: SessionRef[];
  /** Only these event types. */
  types?: EventType[];
}

export interface EventsSubscribeResult {
  subscriptionId: string;
  /** The newest event's seq when subscribing (0 when there is none); live events follow it. */
  lastSeq: number;
  /** Extension: the oldest seq still kept; a `fromSeq` below it lost the events in between. */
  oldestSeq: number;
}

export interface EventNotificationParams {
  subscriptionId: string;
  event: SessdEvent;
}

/** Replayed and live events arrive as `events/event` notifications, in `seq` order, without gaps or repeats. */
export const EventsSubscribeRequest = defineRequest<EventsSubscribeParams, EventsSubscribeResult>('events/subscribe');
export const EventsUnsubscribeRequest = defineRequest<{ subscriptionId: string }, Record<string, never>>(
  'events/unsubscribe',
);
export const EventNotification = defineNotification<EventNotificationParams>('events/event');
