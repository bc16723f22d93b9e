import { parseDuration } from '../../../shared/duration.js';
import type { TranscriptDataParams } from '../../../shared/protocol/transcript.js';
import type { SessdClient } from '../../sdk/client.js';
import { isConnectionLost, whenClosed } from '../../sdk/reconnect.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { lastLines, PlainText } from '../plain-text.js';
import type { Input } from '../spec.js';
import type { spec } from './logs.js';

/** How much of the transcript one request reads. */
const CHUNK_BYTES = 1024 * 1024;

export async function run({ session, follow, from: start, tail, raw, since }: Input<typeof spec>, ctx: Context): Promise<number | void> {
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new UsageError(`--tail takes a number of lines (got ${tail})`, 'logs');
  const sinceTime = since === undefined ? undefined : parseSince(since);
  let client = await ctx.connect();
  const plain = raw || ctx.json ? undefined : new PlainText();
  const text = (data: string, live = false): string => (plain === undefined ? data : plain.push(data, live));
  // With --tail, the past is gathered before any of it is printed.
  let held = '';
  const write = (data: string): void => {
    if (tail !== undefined) held += data;
    else if (data !== '') process.stdout.write(data);
  };
  let from = start;
  let first = true;
  for (;;) {
    const part = await client.session.transcript({
      session,
      ...(from === undefined ? {} : { from }),
      ...(first && sinceTime !== undefined ? { since: sinceTime } : {}),
      maxBytes: CHUNK_BYTES,
    });
    first = false;
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
  /** The offset just past the last byte shown: where live output, and a resumed follow, start. */
  let at = from;
  const onData = (followId: string) => (data: TranscriptDataParams): void => {
    if (data.followId !== followId) return;
    if (data.from > at) ctx.out.error(`sess: ${data.from - at} bytes of output are no longer kept; resuming at offset ${data.from}`);
    // Whole characters: exact for UTF-8 output (a byte of invalid UTF-8 counts as its replacement character).
    at = data.from + Buffer.byteLength(data.data);
    if (ctx.json) ctx.out.json(data);
    else process.stdout.write(text(data.data, true));
  };
  // Followed until interrupted: a restarted sessd is found again, and output resumes where it stopped.
  try {
    await followFrom(client, session, at, onData);
  } catch (error) {
    // sessd went away before the follow was set up (a restart): resumed below like any loss.
    if (!isConnectionLost(error)) throw error;
  }
  for (;;) {
    await whenClosed(client);
    client = await ctx.reconnect();
    try {
      await followFrom(client, session, at, onData);
    } catch (error) {
      // Lost again before it could follow (a daemon still stopping): the next turn reconnects.
      if (!isConnectionLost(error)) throw error;
    }
  }
}

/** Follows from `at`; the listener is on before the request, so nothing sent right after the reply is missed. */
async function followFrom(client: SessdClient, session: string, at: number, onData: (followId: string) => (data: TranscriptDataParams) => void): Promise<void> {
  const early: TranscriptDataParams[] = [];
  const mine: { listener?: (data: TranscriptDataParams) => void } = {};
  // By name, typed by its declaration: importing the declaration itself would load zod into the CLI.
  client.on('transcript/data', (data) => (mine.listener === undefined ? early.push(data) : mine.listener(data)));
  const { followId } = await client.transcript.follow({ session, from: at });
  mine.listener = onData(followId);
  for (const data of early) mine.listener(data);
}

/**
 * `--since`: a duration back from now (`10m`, `1h30m`), a time today (`14:05`,
 * `14:05:30`), or a date and time (`2026-12-01T14:05`); as an ISO 8601 timestamp.
 */
export function parseSince(value: string, now = new Date()): string {
  const ago = parseDuration(value);
  if (ago !== null) return new Date(now.getTime() - ago).toISOString();
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (clock !== null) {
    const today = new Date(now);
    today.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    if (!Number.isNaN(today.getTime()) && Number(clock[1]) < 24 && Number(clock[2]) < 60) return today.toISOString();
  }
  const time = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time)) return new Date(time).toISOString();
  throw new UsageError(`--since takes a duration such as 10m or 2h, a time such as 14:05, or a date and time such as 2026-12-01T14:05 (got "${value}")`, 'logs');
}
