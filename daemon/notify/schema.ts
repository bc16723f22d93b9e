import { z } from 'zod';
import { parseDuration } from '../../shared/duration.js';
import { agent, identifier, labels, name, oneLine, text } from '../../shared/protocol/fields.js';

/**
 * The config file's `notify` rules (README "Notifications"):
 *
 * ```yaml
 * notify:
 *   - name: agents-wait              # optional; `sess notify test agents-wait` fires it
 *     on: [waiting, crashed]         # waiting | idle | crashed | exited | restarted
 *     where: {space: agents, labels: {team: web}, agent: claude}   # all optional, all must match
 *     after: 30s                     # waiting/crashed/exited/restarted: still so after this long;
 *                                    # idle: only after a busy spell at least this long
 *     desktop: true                  # org.freedesktop.Notifications on the session bus
 *     bell: true                     # BEL, OSC 9 and a status-line message to the session's attached terminals
 *     exec: [notify-me, '{session.name}', '{message}']   # argv, no shell; the event JSON on stdin
 *     webhook: {url: 'http://127.0.0.1:8090/hook', headers: {Authorization: 'Bearer x'}}
 * ```
 *
 * A rule with no action is refused: it could never tell anyone.
 */
export const NOTIFY_TRIGGERS = ['waiting', 'idle', 'crashed', 'exited', 'restarted'] as const;
export type NotifyTrigger = (typeof NOTIFY_TRIGGERS)[number];

const duration = z
  .string()
  .refine((v) => parseDuration(v) !== null, 'a duration such as 0s, 30s, 5m or 500ms')
  .transform((v) => parseDuration(v)!);

const oneOrMore = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const notifyRuleSchema = z
  .strictObject({
    name: identifier.optional(),
    on: oneOrMore(z.enum(NOTIFY_TRIGGERS)),
    where: z.strictObject({ space: oneOrMore(name).optional(), labels: labels.optional(), agent: oneOrMore(agent).optional() }).optional(),
    after: duration.optional(),
    desktop: z.boolean().optional(),
    bell: z.boolean().optional(),
    exec: z.array(text).min(1, 'needs a program').max(256).optional(),
    webhook: z
      .strictObject({
        url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
        headers: z.record(oneLine(200), oneLine(4096)).optional(),
      })
      .optional(),
  })
  .refine((r) => r.desktop === true || r.bell === true || r.exec !== undefined || r.webhook !== undefined, {
    message: 'needs an action: desktop, bell, exec or webhook',
  });

export const notifySchema = z.array(notifyRuleSchema).max(100);

/** One rule as validated (`on` always a list, `after` in milliseconds). */
export type NotifyRule = z.output<typeof notifyRuleSchema>;
