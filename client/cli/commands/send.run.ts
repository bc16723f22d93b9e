import type { Context } from '../context.js';
import { ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import type { spec } from './send.js';

export async function run({ session, text: words, noEnter, when, expires }: Input<typeof spec>, ctx: Context): Promise<void> {
  let text: string;
  if (words.length === 0 || (words.length === 1 && words[0] === '-')) {
    text = await readStdin();
    // Piped text ends with a newline that is not part of the message (as with $(...)).
    if (text.endsWith('\n')) text = text.slice(0, -1);
  } else {
    text = words.join(' ');
  }
  const client = await ctx.connect();
  const message = await client.session.send({
    session,
    text,
    submit: !noEnter,
    ...(when === undefined ? {} : { when }),
    ...(expires === undefined ? {} : { expiresInMs: expires }),
  });
  if (ctx.json) return ctx.out.json(message);
  // Its name, also when it was given by id.
  const name = visible(await client.session.get({ session: message.sessionId }).then(ref, () => session));
  ctx.out.line(message.status === 'queued' ? `queued for when ${name} is idle (${message.id}; see \`sess messages\`)` : `sent to ${name}`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
