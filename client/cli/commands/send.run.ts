import type { Interaction } from '../../../shared/protocol/model.js';
import { SessdError } from '../../sdk/errors.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { ref, visible } from '../output.js';
import { describeDetail } from './inbox.run.js';
import type { Input } from '../spec.js';
import type { spec } from './send.js';

export async function run({ session, text: words, noEnter, when, expires, force }: Input<typeof spec>, ctx: Context): Promise<number | void> {
  let text: string;
  if (words.length === 0 || (words.length === 1 && words[0] === '-')) {
    text = await readStdin();
    // Piped text ends with a newline that is not part of the message (as with $(...)).
    if (text.endsWith('\n')) text = text.slice(0, -1);
  } else {
    text = words.join(' ');
  }
  const client = await ctx.connect();
  let message;
  try {
    message = await client.session.send({
      session,
      text,
      submit: !noEnter,
      ...(when === undefined ? {} : { when }),
      ...(expires === undefined ? {} : { expiresInMs: expires }),
      ...(force === true ? { force: true } : {}),
    });
  } catch (error) {
    const waiting = error instanceof SessdError && error.kind === 'invalid_state' && (error.data as { activity?: string } | undefined)?.activity === 'waiting';
    if (!waiting || ctx.json) throw error;
    const interaction = (error.data as { interaction?: Interaction | null }).interaction ?? null;
    const detail = interaction?.detail ?? null;
    const what = interaction === null ? 'a question' : `"${visible(interaction.prompt)}"${detail === null ? '' : ` (${visible(describeDetail(detail))})`}`;
    ctx.out.error(`sess: ${session} waits for an answer to ${what}; the text would be taken as the answer, so it was not sent.`);
    ctx.out.error(`See it with \`sess inbox\`, answer with \`sess answer ${session} CHOICE\` (or approve/deny), queue the text with --when idle, or type it anyway with --force.`);
    return EXIT.failed;
  }
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
