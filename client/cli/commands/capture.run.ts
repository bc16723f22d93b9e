import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './capture.js';

export async function run({ session, lines, ansi }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const screen = await client.session.capture({
    session,
    ...(lines === undefined ? {} : { lines }),
    ...(ansi ? { ansi: true } : {}),
  });
  if (ctx.json) ctx.out.json(screen);
  else if (screen.text !== '') ctx.out.line(screen.text);
}
