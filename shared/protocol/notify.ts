import { z } from 'zod';
import { defineRequest } from './define.js';
import { sessionRef } from './fields.js';

/** Extension: notifications (the config file's `notify` rules; README "Notifications"). */

export const NotifyTestParamsSchema = z.strictObject({
  /** The rule: its `name`, or its number in the file (`1`, `#1`); omitted: every rule. */
  rule: z.string().min(1).max(200).optional(),
  /** The session the notification is about; omitted: a sample session named `example`. */
  session: sessionRef.optional(),
});
export type NotifyTestParams = z.infer<typeof NotifyTestParamsSchema>;

export const NotifyActionResultSchema = z.object({
  action: z.enum(['desktop', 'bell', 'exec', 'webhook']),
  /** `skipped`: nothing to deliver to (no session bus, no attached terminal). */
  outcome: z.enum(['sent', 'failed', 'skipped']),
  /** Why it failed or was skipped. */
  error: z.string().optional(),
});
export type NotifyActionResult = z.infer<typeof NotifyActionResultSchema>;

export const NotifyTestResultSchema = z.object({
  /** One entry per rule fired, in file order. */
  rules: z.array(z.object({ rule: z.string(), title: z.string(), actions: z.array(NotifyActionResultSchema) })),
});
export type NotifyTestResult = z.infer<typeof NotifyTestResultSchema>;

const actionCounts = z.object({ sent: z.number(), failed: z.number(), skipped: z.number() });
/** Counters since the daemon started (in `daemon/metrics` as `notify`). */
export const NotifyCountsSchema = z.object({
  /** Notifications fired (each runs its rule's actions). */
  fired: z.number(),
  actions: z.object({ desktop: actionCounts, bell: actionCounts, exec: actionCounts, webhook: actionCounts }),
});
export type NotifyCounts = z.infer<typeof NotifyCountsSchema>;

/** Fires notification rules now, as if their session started waiting, and answers how each action went. */
export const NotifyTestRequest = defineRequest('notify/test', NotifyTestParamsSchema, NotifyTestResultSchema);
