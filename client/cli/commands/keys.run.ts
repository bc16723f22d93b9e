import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './keys.js';

export async function run({ session, key }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.session.keys({ session, keys: key });
  if (ctx.json) ctx.out.json(result);
}
