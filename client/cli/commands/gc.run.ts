import { UsageError } from '../args.js';
import { parseDuration } from '../../../shared/duration.js';
import type { Context } from '../context.js';
import { ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import type { spec } from './gc.js';

export async function run({ olderThan, status }: Input<typeof spec>, ctx: Context): Promise<void> {
  if (olderThan === undefined) throw new UsageError('say how long ago they ended: --older-than 7d (or 12h, 30m, 0s)', 'gc');
  if (parseDuration(olderThan) === null) throw new UsageError(`--older-than takes a duration such as 7d, 12h, 30m or 0s (got ${JSON.stringify(olderThan)})`, 'gc');
  const client = await ctx.connect();
  // Names for the ids the reply holds, read first: nothing is left to read after.
  const names = ctx.json ? new Map<string, string>() : new Map((await client.listAll(status.length === 0 ? {} : { status })).map((s) => [s.id, ref(s)]));
  const result = await client.session.gc({ olderThan, ...(status.length === 0 ? {} : { status }) });
  if (ctx.json) return ctx.out.json(result);
  const n = result.deleted.length;
  const deleted = result.deleted.map((id) => visible(names.get(id) ?? id)).join(' ');
  ctx.out.line(n === 0 ? 'Nothing to delete.' : `deleted ${n} session${n === 1 ? '' : 's'}: ${deleted}`);
}
