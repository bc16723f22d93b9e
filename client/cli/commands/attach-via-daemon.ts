import type { Session } from '../../../shared/protocol/model.js';
import { Attachment } from '../../sdk/attach.js';
import type { Context } from '../context.js';
import { ref } from '../output.js';

/** sess's own detach key, Ctrl-]: tmux's prefix key goes to tmux (prefix d detaches too). */
const DETACH_KEY = '\x1d';
/** The size used when standard output is not a terminal (a test, a pipe). */
const FALLBACK_SIZE = { cols: 80, rows: 24 };

/**
 * `sess attach --via-daemon`: the session's terminal streamed through sessd's
 * `session/attach` instead of running tmux here. Raw mode, the window's size followed
 * on SIGWINCH, Ctrl-] detaches. Returns 0 after a detach, 1 when the attach ended otherwise.
 */
export async function attachViaDaemon(ctx: Context, session: Session, readOnly: boolean): Promise<number> {
  const client = await ctx.connect();
  const { stdin, stdout } = process;
  const size = (): { cols: number; rows: number } =>
    stdout.isTTY ? { cols: Math.max(2, stdout.columns), rows: Math.max(2, stdout.rows) } : FALLBACK_SIZE;
  const attachment = await Attachment.open(client, { session: session.id, ...size(), ...(readOnly ? { readOnly } : {}) });
  attachment.onOutput((data) => stdout.write(data));
  const onResize = (): void => {
    const { cols, rows } = size();
    // A resize racing the end of the attach has nothing left to resize.
    attachment.resize(cols, rows).catch(() => undefined);
  };
  const onInput = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    const at = text.indexOf(DETACH_KEY);
    if (at >= 0) {
      if (at > 0 && !readOnly) attachment.write(text.slice(0, at)).catch(() => undefined);
      void attachment.detach().catch(() => undefined); // ends `closed` either way
      return;
    }
    // Input on a read-only attach is refused by sessd; there is nothing to tell the user beyond the banner.
    if (!readOnly) attachment.write(text).catch(() => undefined);
  };
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.resume();
  process.on('SIGWINCH', onResize);
  try {
    const reason = await attachment.closed;
    if (reason !== 'detached') process.stderr.write(`\r\n[sess: ${ref(session)}: ${reason.replaceAll('-', ' ')}]\r\n`);
    else process.stderr.write(`\r\n[sess: detached from ${ref(session)}]\r\n`);
    return reason === 'detached' ? 0 : 1;
  } finally {
    process.off('SIGWINCH', onResize);
    stdin.off('data', onInput);
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    stdin.pause();
    ctx.close();
  }
}
