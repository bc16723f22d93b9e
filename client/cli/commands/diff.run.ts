import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './diff.js';

export async function run({ session, stat, nameOnly }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.session.diff({ session, ...(stat ? { stat } : {}), ...(nameOnly ? { nameOnly } : {}) });
  if (ctx.json) return ctx.out.json(result);
  // The diff as git printed it, byte for byte (it ends with its own newline).
  process.stdout.write(result.diff);
}
