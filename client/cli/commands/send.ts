import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const words = ctx.args('text');
  let text: string;
  if (words.length === 0 || (words.length === 1 && words[0] === '-')) {
    text = await readStdin();
    // Piped text ends with a newline that is not part of the message (as with $(...)).
    if (text.endsWith('\n')) text = text.slice(0, -1);
  } else {
    text = words.join(' ');
  }
  const when = ctx.opt<'now' | 'idle'>('when');
  const expires = ctx.opt<number>('expires');
  const client = await ctx.connect();
  const message = await client.session.send({
    session: ctx.arg('session'),
    text,
    submit: ctx.opt('no-enter') !== true,
    ...(when === undefined ? {} : { when }),
    ...(expires === undefined ? {} : { expiresInMs: expires }),
  });
  if (ctx.json) ctx.out.json(message);
  else ctx.out.line(message.status === 'queued' ? `queued for when ${ctx.arg('session')} is idle (${message.id})` : `sent to ${ctx.arg('session')}`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
