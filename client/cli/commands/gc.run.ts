import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './gc.js';

export async function run({ olderThan, status }: Input<typeof spec>, ctx: Context): Promise<void> {
  if (olderThan === undefined) throw new UsageError('say how long ago they ended: --older-than 7d (or 12h, 30m, 0s)', 'gc');
  const client = await ctx.connect();
  const result = await client.session.gc({ olderThan, ...(status.length === 0 ? {} : { status }) });
  if (ctx.json) return ctx.out.json(result);
  const n = result.deleted.length;
  ctx.out.line(n === 0 ? 'Nothing to delete.' : `deleted ${n} session${n === 1 ? '' : 's'}: ${result.deleted.join(' ')}`);
}
