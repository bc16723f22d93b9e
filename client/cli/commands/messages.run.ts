import type { Message } from '../../../shared/protocol/model.js';
import type { Context } from '../context.js';
import { age, ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import type * as specs from './messages.js';

/** How much of a message's text the list shows. */
const PREVIEW_CHARS = 50;

function preview(text: string): string {
  const shown = visible(text);
  return shown.length > PREVIEW_CHARS ? `${shown.slice(0, PREVIEW_CHARS - 3)}...` : shown;
}

/** `sess messages`. */
export async function messages({ session, status }: Input<typeof specs.messages>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { messages } = await client.message.list({ ...(session === undefined ? {} : { session }), ...(status === undefined ? {} : { status }) });
  if (ctx.json) return ctx.out.json({ messages });
  if (messages.length === 0) {
    ctx.out.line('No messages. Queue one with `sess send --when idle SESSION TEXT`.');
    return;
  }
  const names = new Map((await client.listAll()).map((s) => [s.id, ref(s)]));
  const row = (m: Message): string[] => [
    m.id,
    visible(names.get(m.sessionId) ?? m.sessionId),
    m.status,
    age(m.createdAt),
    preview(m.text) + (m.error === null || m.status === 'cancelled' ? '' : `  (${visible(m.error)})`),
  ];
  ctx.out.table(['ID', 'SESSION', 'STATUS', 'AGE', 'TEXT'], messages.map(row));
}

/** `sess messages cancel`. */
export async function cancel({ id }: Input<typeof specs.cancel>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const cancelled = await client.message.cancel({ id });
  if (ctx.json) return ctx.out.json(cancelled);
  const session = await client.session.get({ session: cancelled.sessionId }).then(ref, () => cancelled.sessionId);
  ctx.out.line(`cancelled ${id} for ${visible(session)}: ${preview(cancelled.text)}`);
}
