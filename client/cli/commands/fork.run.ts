import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import { attachTo } from './attach.run.js';
import type { spec } from './fork.js';

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number | void> {
  if (o.checkpoint !== undefined && (!Number.isInteger(o.checkpoint) || o.checkpoint < 1)) {
    throw new UsageError('--checkpoint takes a checkpoint number (see sess checkpoints)', 'fork');
  }
  const client = await ctx.connect();
  const s = await client.session.fork({
    session: o.session,
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.checkpoint === undefined ? {} : { checkpoint: o.checkpoint }),
    ...(o.noStart ? { start: false } : {}),
  });
  if (ctx.json) ctx.out.json(s);
  else ctx.out.line(`forked ${visible(ref(s))} (${s.id}) on branch ${visible(s.worktree?.branch ?? '-')} in ${visible(s.cwd)}`);
  if (o.attach) return attachTo(ctx, s, false);
}
