import type { SessionUpdateParams } from '../../../shared/protocol/session.js';
import { UsageError } from '../args.js';
import { pairs, type Context } from '../context.js';
import { jsonObject } from './new.js';

export async function run(ctx: Context): Promise<void> {
  const params: SessionUpdateParams = { session: ctx.arg('session') };
  const labels: Record<string, string | null> = { ...pairs(ctx.opt<string[]>('label'), 'label') };
  for (const key of ctx.opt<string[]>('unlabel') ?? []) labels[key] = null;
  if (Object.keys(labels).length > 0) params.labels = labels;
  const context = ctx.opt<string>('context');
  if (context !== undefined) params.context = jsonObject(context, 'context');
  if (ctx.opt('replace-context') === true) {
    if (context === undefined) throw new UsageError('--replace-context needs --context', 'update');
    params.contextMode = 'replace';
  }
  if (params.labels === undefined && params.context === undefined) throw new UsageError('nothing to change: give --label, --unlabel or --context', 'update');
  const client = await ctx.connect();
  const session = await client.session.update(params);
  if (ctx.json) {
    ctx.out.json(session);
    return;
  }
  ctx.out.line(`labels   ${Object.entries(session.labels).map(([k, v]) => `${k}=${v}`).join(' ') || '-'}`);
  ctx.out.line(`context  ${JSON.stringify(session.context)}`);
}
