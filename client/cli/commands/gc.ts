import type { SessionStatus } from '../../../shared/protocol/model.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const olderThan = ctx.opt<string>('older-than');
  if (olderThan === undefined) throw new UsageError('say how long ago they ended: --older-than 7d (or 12h, 30m, 0s)', 'gc');
  const statuses = ctx.opt<string[]>('status') as SessionStatus[] | undefined;
  const client = await ctx.connect();
  const result = await client.session.gc({ olderThan, ...(statuses === undefined ? {} : { status: statuses }) });
  if (ctx.json) return ctx.out.json(result);
  const n = result.deleted.length;
  ctx.out.line(n === 0 ? 'Nothing to delete.' : `deleted ${n} session${n === 1 ? '' : 's'}: ${result.deleted.join(' ')}`);
}
