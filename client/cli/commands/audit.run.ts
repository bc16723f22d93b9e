import { parseDuration } from '../../../shared/duration.js';
import type { AuditEntry } from '../../../shared/protocol/policy.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { age, ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import { describeDetail } from './inbox.run.js';
import type { spec } from './audit.js';

/** `--since`: a duration ago, or a time. */
function sinceOf(since: string): string {
  const ms = parseDuration(since);
  if (ms !== null) return new Date(Date.now() - ms).toISOString();
  if (!Number.isNaN(Date.parse(since))) return new Date(since).toISOString();
  throw new UsageError(`--since takes a duration such as 10m or 7d, or an ISO time (got ${JSON.stringify(since)})`, 'audit');
}

/** Who decided, as a person reads it: `rule 2 (safe commands)`, `cli (sess 1.0.0)`. */
export function who(e: AuditEntry): string {
  if (e.by === 'policy') return e.rule === null ? 'policy (no rule)' : `rule ${e.rule.index}${e.rule.name === null ? '' : ` (${e.rule.name})`}`;
  return e.client === null ? e.by : `${e.by} (${e.client})`;
}

export async function run({ session, since }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const params = { ...(session === undefined ? {} : { session }), ...(since === undefined ? {} : { since: sinceOf(since) }) };
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.audit.list({ ...params, ...(cursor === undefined ? {} : { cursor }) });
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  if (ctx.json) return ctx.out.json({ entries });
  if (entries.length === 0) {
    ctx.out.line('No decisions recorded.');
    return;
  }
  const names = new Map((await client.listAll()).map((s) => [s.id, ref(s)]));
  ctx.out.table(
    ['AGE', 'SESSION', 'DECISION', 'BY', 'WHAT', 'REASON'],
    entries.map((e) => [
      age(e.createdAt),
      visible(names.get(e.sessionId) ?? e.sessionId),
      e.decision,
      visible(who(e)),
      visible(e.detail === null ? (e.prompt ?? '-') : describeDetail(e.detail)),
      visible(e.reason ?? ''),
    ]),
  );
}
