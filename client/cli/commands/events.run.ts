import type { SessdEvent } from '../../../shared/protocol/model.js';
import type { SessdClient } from '../../sdk/client.js';
import { isConnectionLost, whenClosed } from '../../sdk/reconnect.js';
import type { Context } from '../context.js';
import { visible } from '../output.js';
import type { Input } from '../spec.js';
import type { spec } from './events.js';

/** How many past events `sess events` shows without --from. */
const RECENT = 20;

export async function run(o: Input<typeof spec>, ctx: Context): Promise<void> {
  let client = await ctx.connect();
  const types = new Set(o.type);
  const sessionIds = new Set(await Promise.all(o.session.map(async (ref) => (await client.session.get({ session: ref })).id)));
  const follow = o.follow;
  const names = new Names(() => client);

  // The newest seq first, to know where "the last 20" start and where the past ends.
  const probe = await client.subscribe({}, () => undefined);
  await probe.dispose();
  const from = o.from ?? Math.max(1, probe.lastSeq - RECENT + 1);
  /** The newest seq received: a resumed subscription starts after it, and nothing is shown twice. */
  let last = from - 1;
  let pastDone: () => void = () => undefined;
  const past = new Promise<void>((resolve) => (pastDone = resolve));
  const show = async (event: SessdEvent): Promise<void> => {
    if ((types.size === 0 || types.has(event.type)) && (sessionIds.size === 0 || sessionIds.has(event.sessionId ?? ''))) {
      if (ctx.json) ctx.out.json(event);
      else ctx.out.line(await describe(event, names));
    }
  };
  // Events are shown in order: each waits for the one before it to be printed.
  let printing = Promise.resolve();
  const onEvent = (event: SessdEvent): void => {
    if (event.seq <= last) return;
    last = event.seq;
    printing = printing.then(() => show(event)).then(() => {
      if (event.seq >= probe.lastSeq) pastDone();
    });
  };
  try {
    const subscription = await client.subscribe({ fromSeq: from }, onEvent);
    if (subscription.lastSeq < from) pastDone();
    // Following, sessd may go away before the past is shown (a restart): the loop below carries on from `last`.
    await (follow ? Promise.race([past, whenClosed(client)]) : past);
    await printing;
    if (!follow) {
      await subscription.dispose();
      return;
    }
  } catch (error) {
    if (!follow || !isConnectionLost(error)) throw error;
  }
  // Followed until interrupted: a restarted sessd is found again and the stream resumes after the last seq seen.
  for (;;) {
    await whenClosed(client);
    client = await ctx.reconnect();
    try {
      const resumed = await client.subscribe({ fromSeq: last + 1 }, onEvent);
      if (resumed.oldestSeq > last + 1) {
        ctx.out.error(`sess: events ${last + 1}-${resumed.oldestSeq - 1} are no longer kept; resuming at ${resumed.oldestSeq}`);
      }
    } catch (error) {
      // Lost again before it could subscribe (a daemon still stopping): the next turn reconnects.
      if (!isConnectionLost(error)) throw error;
    }
  }
}

/** Session names for event lines, looked up once each (a deleted session keeps its id). */
class Names {
  private readonly known = new Map<string, string>();
  constructor(private readonly client: () => SessdClient) {}

  async of(id: string | null): Promise<string> {
    if (id === null) return '-';
    const cached = this.known.get(id);
    if (cached !== undefined) return cached;
    const name = await this.client().session.get({ session: id }).then(
      (s) => (s.space === 'default' ? s.name : `${s.space}/${s.name}`),
      () => id,
    );
    this.known.set(id, name);
    return name;
  }

  remember(id: string, name: string): void {
    this.known.set(id, name);
  }
}

async function describe(event: SessdEvent, names: Names): Promise<string> {
  const d = event.data as Record<string, string | number | null | undefined | string[]>;
  if (event.type === 'session.created' && event.sessionId !== null) {
    names.remember(event.sessionId, d.space === 'default' ? String(d.name) : `${String(d.space)}/${String(d.name)}`);
  }
  if (event.type === 'session.deleted' && event.sessionId !== null) {
    names.remember(event.sessionId, d.space === 'default' ? String(d.name) : `${String(d.space)}/${String(d.name)}`);
  }
  const who = visible(await names.of(event.sessionId));
  const time = event.time.slice(11, 19);
  let detail: string;
  switch (event.type) {
    case 'session.created':
      detail = `${String(d.status)}: ${visible((d.command as string[]).join(' '))}`;
      break;
    case 'session.status':
      detail = `${String(d.previous)} -> ${String(d.status)}${d.reason === undefined ? '' : ` (${String(d.reason)})`}`;
      break;
    case 'session.exited':
      detail = d.exitSignal === null ? `exit ${String(d.exitCode)}` : `killed by ${String(d.exitSignal)}`;
      break;
    case 'session.activity':
      detail = `${String(d.previous)} -> ${String(d.activity)}`;
      break;
    default:
      detail = visible(JSON.stringify(d)).slice(0, 100);
  }
  return `${String(event.seq).padStart(6)} ${time} ${event.type.padEnd(20)} ${who} ${detail}`;
}
