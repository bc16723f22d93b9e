import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './interrupt.js';

export async function run({ session }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.session.interrupt({ session });
  if (ctx.json) ctx.out.json(result);
}
