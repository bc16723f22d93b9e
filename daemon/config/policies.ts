import { z } from 'zod';
import { agent, identifier, labels, name, oneLine } from '../../shared/protocol/fields.js';

/**
 * The config file's `policies` (README "Policies"): rules that answer approvals for
 * the user, checked in order, the first that matches deciding.
 *
 * ```yaml
 * policies:
 *   - name: safe commands                       # optional, shown in the audit list
 *     where: {space: agents, labels: {team: web}, agent: claude}   # all given must hold
 *     match: {tool: Bash, command: '^(npm test|git (status|diff)\b)'}
 *     decide: approve                           # approve | deny | ask
 *   - match: {command: 'rm -rf|git push --force'}
 *     decide: deny
 *     reason: destructive                       # told to the agent, kept in the audit list
 *   - decide: ask
 * ```
 *
 * `match` holds regular expressions on the approval's detail, all of which must find
 * a match: `tool` must match the whole tool name (`Bash` is not `BashOutput`); any
 * other field (`command`, `description`, `reason`, or a field of the tool's input
 * such as `file_path`) is searched, so anchor it (`^…$`) to hold a whole command. A
 * field the detail lacks does not match. A rule that approves must say what it
 * approves: `match` with at least one field, or `match: any` written out (then
 * `sess daemon status` names the rule). Without a `match`, a rule applies to every
 * approval only to deny or ask.
 */

/** A rule as the daemon applies it: its regular expressions compiled. */
export interface PolicyRule {
  index: number;
  name: string | null;
  where: { space?: string; labels?: Record<string, string>; agent?: string };
  /** By detail field; `any`: every approval (written out in the file). */
  match: 'any' | Record<string, RegExp>;
  decide: 'approve' | 'deny' | 'ask';
  reason: string | null;
}

/** A field's pattern: checked here, so that a bad one is refused with its line. */
const pattern = z.string().min(1, 'must not be empty').max(4096, 'is too long').superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` });
  }
});

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const rule = z
  .strictObject({
    name: identifier.optional(),
    where: z.strictObject({ space: name.optional(), labels: labels.optional(), agent: agent.optional() }).optional(),
    match: z
      .union([
        z.literal('any'),
        z.record(z.string().regex(FIELD, 'a detail field name (tool, command, description, or a field of the tool input)'), pattern).refine((m) => Object.keys(m).length > 0, 'give at least one field, or write match: any'),
      ])
      .optional(),
    decide: z.enum(['approve', 'deny', 'ask']),
    reason: oneLine(1000).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.decide === 'approve' && r.match === undefined) {
      ctx.addIssue({ code: 'custom', path: ['decide'], message: 'a rule that approves needs a match (write match: any to approve everything it applies to)' });
    }
  });

/** The `policies` section, compiled. */
export const policiesSchema = z.array(rule).max(10_000).transform((rules): PolicyRule[] =>
  rules.map((r, index) => ({
    index,
    name: r.name ?? null,
    where: { ...(r.where?.space === undefined ? {} : { space: r.where.space }), ...(r.where?.labels === undefined ? {} : { labels: r.where.labels }), ...(r.where?.agent === undefined ? {} : { agent: r.where.agent }) },
    match: r.match === undefined || r.match === 'any' ? 'any' : compile(r.match),
    decide: r.decide,
    reason: r.reason ?? null,
  })),
);

function compile(match: Record<string, string>): Record<string, RegExp> {
  return Object.fromEntries(Object.entries(match).map(([field, source]) => [field, new RegExp(field === 'tool' ? `^(?:${source})$` : source)]));
}

/** The rules that approve every approval they apply to (`match: any`), for `daemon/status`. */
export function approvingAny(rules: readonly PolicyRule[]): { index: number; name: string | null }[] {
  return rules.filter((r) => r.decide === 'approve' && r.match === 'any').map((r) => ({ index: r.index, name: r.name }));
}
