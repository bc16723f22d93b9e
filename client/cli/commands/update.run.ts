import type { SessionUpdateParams } from '../../../shared/protocol/session.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import { jsonObject, pairs } from '../values.js';
import type { spec } from './update.js';

export async function run({ session, name, restart, label, unlabel, context, replaceContext, policy }: Input<typeof spec>, ctx: Context): Promise<void> {
  const params: SessionUpdateParams = { session };
  if (name !== undefined) params.name = name;
  if (restart !== undefined) params.restartPolicy = restart;
  if (policy !== undefined) params.policy = policy;
  const labels: Record<string, string | null> = { ...pairs(label, 'label') };
  for (const key of unlabel) labels[key] = null;
  if (Object.keys(labels).length > 0) params.labels = labels;
  if (context !== undefined) params.context = jsonObject(context, 'context');
  if (replaceContext) {
    if (context === undefined) throw new UsageError('--replace-context needs --context', 'update');
    params.contextMode = 'replace';
  }
  if (Object.keys(params).length === 1) throw new UsageError('nothing to change: give --name, --restart, --label, --unlabel, --context or --policy', 'update');
  const client = await ctx.connect();
  const updated = await client.session.update(params);
  if (ctx.json) {
    ctx.out.json(updated);
    return;
  }
  ctx.out.line(`session  ${visible(ref(updated))} (${updated.id})`);
  ctx.out.line(`restart  ${updated.restartPolicy}`);
  ctx.out.line(`labels   ${Object.entries(updated.labels).map(([k, v]) => `${k}=${v}`).join(' ') || '-'}`);
  ctx.out.line(`context  ${JSON.stringify(updated.context)}`);
  ctx.out.line(`policy   ${updated.policy ?? 'on'}`);
}
