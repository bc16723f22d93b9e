import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.session.keys({ session: ctx.arg('session'), keys: ctx.args('key') });
  if (ctx.json) ctx.out.json(result);
}
