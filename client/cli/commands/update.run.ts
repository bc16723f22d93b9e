import type { SessionUpdateParams } from '../../../shared/protocol/session.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import { jsonObject, pairs } from '../values.js';
import type { spec } from './update.js';

export async function run({ session, label, unlabel, context, replaceContext }: Input<typeof spec>, ctx: Context): Promise<void> {
  const params: SessionUpdateParams = { session };
  const labels: Record<string, string | null> = { ...pairs(label, 'label') };
  for (const key of unlabel) labels[key] = null;
  if (Object.keys(labels).length > 0) params.labels = labels;
  if (context !== undefined) params.context = jsonObject(context, 'context');
  if (replaceContext) {
    if (context === undefined) throw new UsageError('--replace-context needs --context', 'update');
    params.contextMode = 'replace';
  }
  if (params.labels === undefined && params.context === undefined) throw new UsageError('nothing to change: give --label, --unlabel or --context', 'update');
  const client = await ctx.connect();
  const updated = await client.session.update(params);
  if (ctx.json) {
    ctx.out.json(updated);
    return;
  }
  ctx.out.line(`labels   ${Object.entries(updated.labels).map(([k, v]) => `${k}=${v}`).join(' ') || '-'}`);
  ctx.out.line(`context  ${JSON.stringify(updated.context)}`);
}
