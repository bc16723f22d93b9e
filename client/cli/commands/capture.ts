import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const lines = ctx.opt<number>('lines');
  const client = await ctx.connect();
  const screen = await client.session.capture({
    session: ctx.arg('session'),
    ...(lines === undefined ? {} : { lines }),
    ...(ctx.opt('ansi') === true ? { ansi: true } : {}),
  });
  if (ctx.json) ctx.out.json(screen);
  else if (screen.text !== '') ctx.out.line(screen.text);
}
