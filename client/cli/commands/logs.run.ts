import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { lastLines, PlainText } from '../plain-text.js';
import type { Input } from '../spec.js';
import type { spec } from './logs.js';

/** How much of the transcript one request reads. */
const CHUNK_BYTES = 1024 * 1024;

export async function run({ session, follow, from: start, tail, raw }: Input<typeof spec>, ctx: Context): Promise<number | void> {
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail takes a number of lines (got ${tail})`, 'logs');
  const client = await ctx.connect();
  const plain = raw || ctx.json ? undefined : new PlainText();
  const text = (data: string, live = false): string => (plain === undefined ? data : plain.push(data, live));
  // With --tail, the past is gathered before any of it is printed.
  let held = '';
  const write = (data: string): void => {
    if (tail !== undefined) held += data;
    else if (data !== '') process.stdout.write(data);
  };
  let from = start;
  for (;;) {
    const part = await client.session.transcript({ session, ...(from === undefined ? {} : { from }), maxBytes: CHUNK_BYTES });
    if (ctx.json) ctx.out.json(part);
    else write(text(part.data));
    from = part.to;
    if (part.to >= part.end) break;
  }
  if (!follow && plain !== undefined) write(plain.end());
  if (tail !== undefined) {
    const last = lastLines(held, tail);
    if (last !== '') process.stdout.write(last);
  }
  if (!follow) return;
  // The unfinished last line (a prompt) shows now, not when its newline comes.
  if (plain !== undefined) process.stdout.write(plain.push('', true));
  // Live output from where the read stopped: no gap, no repeat.
  const ended = new Promise<void>((resolve) => client.onClose(() => resolve()));
  const { followId } = await client.transcript.follow({ session, from });
  // By name, typed by its declaration: importing the declaration itself would load zod into the CLI.
  client.on('transcript/data', (data) => {
    if (data.followId !== followId) return;
    if (ctx.json) ctx.out.json(data);
    else process.stdout.write(text(data.data, true));
  });
  await ended;
}
