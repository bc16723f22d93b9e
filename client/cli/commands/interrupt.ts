import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.session.interrupt({ session: ctx.arg('session') });
  if (ctx.json) ctx.out.json(result);
}
