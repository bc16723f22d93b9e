import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type { spec } from './logs.js';

/** How much of the transcript one request reads. */
const CHUNK_BYTES = 1024 * 1024;

export async function run({ session, follow, from: start }: Input<typeof spec>, ctx: Context): Promise<number | void> {
  const client = await ctx.connect();
  let from = start;
  for (;;) {
    const part = await client.session.transcript({ session, ...(from === undefined ? {} : { from }), maxBytes: CHUNK_BYTES });
    if (ctx.json) ctx.out.json(part);
    else process.stdout.write(part.data);
    from = part.to;
    if (part.to >= part.end) break;
  }
  if (!follow) return;
  // Live output from where the read stopped: no gap, no repeat.
  const ended = new Promise<void>((resolve) => client.onClose(() => resolve()));
  const { followId } = await client.transcript.follow({ session, from });
  // By name, typed by its declaration: importing the declaration itself would load zod into the CLI.
  client.on('transcript/data', (data) => {
    if (data.followId !== followId) return;
    if (ctx.json) ctx.out.json(data);
    else process.stdout.write(data.data);
  });
  await ended;
}
