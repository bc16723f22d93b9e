import type { Interaction, InteractionDetail } from '../../../shared/protocol/model.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { age, ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import type * as specs from './inbox.js';

function choices(i: Interaction): string {
  return i.choices.length === 0 ? '(free text)' : i.choices.map((c) => `${c.id}) ${c.label}`).join('  ');
}

/** What an approval is about, as a person reads it: "Bash: echo hi > out.txt". */
export function describeDetail(detail: InteractionDetail): string {
  const tool = detail.tool ?? 'a tool';
  return detail.command === undefined || detail.command === null ? tool : `${tool}: ${detail.command.replaceAll('\n', ' ⏎ ')}`;
}

/** What an approval is about, after the session's name: "wants to run `npm test` (Bash)". */
function wants(i: Interaction): string | null {
  const detail = i.detail ?? null;
  if (detail === null) return null;
  const tool = detail.tool ?? 'a tool';
  if (detail.command === undefined || detail.command === null) return `wants to use ${tool}`;
  const why = detail.description ?? detail.reason;
  return `wants to run \`${detail.command.replaceAll('\n', ' ⏎ ')}\` (${tool}${why === undefined ? '' : `: ${why}`})`;
}

/** `sess approve`. */
export function approve({ session }: Input<typeof specs.approve>, ctx: Context): Promise<void> {
  return decide(ctx, session, false);
}

/** `sess deny`. */
export function deny({ session }: Input<typeof specs.deny>, ctx: Context): Promise<void> {
  return decide(ctx, session, true);
}

async function decide(ctx: Context, session: string, deny: boolean): Promise<void> {
  const client = await ctx.connect();
  const resolved = await client.session.approve({ session, deny });
  if (ctx.json) return ctx.out.json(resolved);
  const label = resolved.choices.find((c) => c.id === resolved.response)?.label ?? resolved.response;
  ctx.out.line(`${deny ? 'denied' : 'approved'}: ${visible(resolved.prompt)} -> ${visible(label ?? '')}`);
}

/** `sess answer`. */
export async function answer({ session, answer: words, text }: Input<typeof specs.answer>, ctx: Context): Promise<number | void> {
  if ((words.length === 0) === (text === undefined)) throw new UsageError('give a CHOICE or --text TEXT (not both)', 'answer');
  const client = await ctx.connect();
  const { interactions } = await client.interaction.list({ session, status: 'open' });
  const open = interactions.at(-1);
  if (open === undefined && text !== undefined) {
    // A prompt no profile knows (`read -p "Your name: "`): the answer is typed as it is, then Enter.
    const message = await client.session.send({ session, text, submit: true });
    if (ctx.json) return ctx.out.json(message);
    const target = await client.session.get({ session }).then(ref, () => session);
    ctx.out.line(`typed into ${visible(target)}: ${visible(text)}`);
    return;
  }
  if (open === undefined) {
    ctx.out.error(`sess: ${session} is not waiting for an answer (see \`sess inbox\`)`);
    return EXIT.notFound;
  }
  let choice: string | undefined;
  if (text === undefined) {
    const wanted = words.join(' ');
    // A choice's id, or the start of its label ("yes", "no").
    const match =
      open.choices.find((c) => c.id === wanted) ??
      open.choices.find((c) => c.label.toLowerCase().startsWith(wanted.toLowerCase()));
    if (match === undefined) throw new UsageError(`no choice "${wanted}"; the choices are ${choices(open)}`, 'answer');
    choice = match.id;
  }
  const resolved = await client.interaction.respond({ id: open.id, ...(choice === undefined ? { text: text! } : { choice }) });
  if (ctx.json) return ctx.out.json(resolved);
  ctx.out.line(`answered ${visible(open.prompt)} with ${visible(choice === undefined ? text! : `${choice}) ${open.choices.find((c) => c.id === choice)!.label}`)}`);
}

/** `sess inbox`. */
export async function inbox(_: Input<typeof specs.inbox>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { interactions } = await client.interaction.list({ status: 'open' });
  if (ctx.json) return ctx.out.json({ interactions });
  if (interactions.length === 0) {
    ctx.out.line('Nothing is waiting for you.');
    return;
  }
  const names = new Map((await client.listAll({})).map((s) => [s.id, `${s.space === 'default' ? '' : `${s.space}/`}${s.name}`]));
  ctx.out.table(
    ['SESSION', 'KIND', 'AGE', 'QUESTION', 'CHOICES'],
    interactions.map((i) => [visible(names.get(i.sessionId) ?? i.sessionId), i.kind, age(i.createdAt), visible(i.prompt), visible(choices(i))]),
  );
  ctx.out.line();
  for (const i of interactions) {
    const what = wants(i);
    if (what !== null) ctx.out.line(`${visible(names.get(i.sessionId) ?? i.sessionId)} ${visible(what)}`);
  }
  if (interactions.some((i) => (i.detail ?? null) !== null)) ctx.out.line();
  ctx.out.line('Answer with `sess approve SESSION`, `sess deny SESSION` or `sess answer SESSION CHOICE`.');
}
