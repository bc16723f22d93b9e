import type { Session } from '../../../shared/protocol/model.js';
import { SessdClient } from '../../sdk/client.js';
import { SESSD_VERSION } from '../../../shared/protocol/version.js';
import type { Context } from '../context.js';
import { Feed } from '../dash/feed.js';
import { move, refOf, emptyState } from '../dash/state.js';
import { Screen, type Key } from '../dash/terminal.js';
import { render, visibleIds, type Mode } from '../dash/view.js';
import type { Input } from '../spec.js';
import { attachTo } from './attach.run.js';
import type { spec } from './dash.js';

/** Draws at most this often: a burst of events or output is one redraw. */
const FRAME_MS = 30;
/** The ages in the list are redrawn this often (nothing else is read on a timer). */
const AGE_REFRESH_MS = 30_000;
/** A page of the list, for PgUp/PgDn. */
const PAGE = 10;

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('sess dash needs a terminal (stdin and stdout)');
  const first = await ctx.connect();
  const state = emptyState();
  state.filter = o.filter ?? '';
  let mode: Mode = { kind: 'list' };
  let pendingConfirm: (() => Promise<string>) | null = null;
  let inputDone: ((value: string) => Promise<string>) | null = null;
  let busy = false;
  let quit: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (quit = resolve));

  let frame: NodeJS.Timeout | undefined;
  let previewed: string | null = null;
  let lastDraw = 0;
  const draw = (): void => {
    frame = undefined;
    lastDraw = Date.now();
    screen.draw(render(state, mode, screen.width, screen.height, { color: process.env.NO_COLOR === undefined }));
    // The render settles the selection (the first session, until one is chosen): its screen is read once it changes.
    if (state.selected !== previewed) {
      previewed = state.selected;
      feed.selectionChanged();
    }
    feed.watch(visibleIds(state, screen.height));
  };
  const schedule = (): void => {
    if (frame === undefined) frame = setTimeout(draw, Math.max(0, FRAME_MS - (Date.now() - lastDraw)));
  };

  let reused = false;
  const feed = new Feed(
    state,
    async () => {
      if (!reused) {
        reused = true;
        return first;
      }
      // Again to the same sessd: this machine's socket, or over ssh to --host's.
      if (ctx.host !== undefined) return ctx.connectTo(ctx.host);
      return SessdClient.connect({ socket: first.socket, clientName: 'sess dash', clientVersion: SESSD_VERSION });
    },
    schedule,
  );

  const selected = (): Session | undefined => (state.selected === null ? undefined : state.sessions.get(state.selected));

  /** Runs a request for the selected session; its outcome goes on the bottom line. */
  const act = (what: (client: SessdClient, s: Session) => Promise<string>): void => {
    const s = selected();
    const client = feed.current;
    if (s === undefined) return void (state.notice = 'no session selected');
    if (client === null) return void (state.notice = 'not connected to sessd');
    what(client, s).then(
      (notice) => (state.notice = notice),
      (error: Error) => (state.notice = `${refOf(s)}: ${error.message}`),
    ).finally(schedule);
  };

  const ask = (label: string, value: string, done: (value: string) => Promise<string>): void => {
    mode = { kind: 'input', label, value };
    inputDone = done;
  };

  const attach = async (s: Session): Promise<void> => {
    busy = true;
    screen.leave();
    try {
      await attachTo(ctx.fresh(), s, false);
      state.notice = `back from ${refOf(s)}`;
    } catch (error) {
      state.notice = (error as Error).message;
    } finally {
      busy = false;
      screen.enter();
      schedule();
    }
  };

  const listKey = (key: Key): void => {
    state.notice = '';
    const c = key.name === 'char' ? key.char : null;
    if (c === 'q' || key.name === 'ctrl-c') return quit();
    else if (key.name === 'up' || c === 'k') move(state, -1);
    else if (key.name === 'down' || c === 'j') move(state, 1);
    else if (key.name === 'pageup') move(state, -PAGE);
    else if (key.name === 'pagedown') move(state, PAGE);
    else if (key.name === 'home' || c === 'g') move(state, -Infinity);
    else if (key.name === 'end' || c === 'G') move(state, Infinity);
    else if (key.name === 'escape') state.filter = '';
    else if (key.name === 'enter') {
      const s = selected();
      if (s !== undefined) void attach(s);
    } else if (c === '?') mode = { kind: 'help' };
    else if (c === '/') ask('filter: ', state.filter, (value) => Promise.resolve((state.filter = value, '')));
    else if (c === 'a' || c === 'd') act(async (client, s) => {
      const i = await client.session.approve({ session: s.id, deny: c === 'd' });
      return `${c === 'a' ? 'approved' : 'denied'}: ${refOf(s)} (${i.choices.find((ch) => ch.id === i.response)?.label ?? i.response ?? ''})`;
    });
    else if (c !== null && /^[1-9]$/.test(c)) act(async (client, s) => {
      const open = state.open.get(s.id);
      if (open === undefined) return `${refOf(s)} has no open question`;
      const choice = open.choices.find((ch) => ch.id === c);
      if (choice === undefined) return `no choice ${c} (${open.choices.map((ch) => ch.id).join(', ') || 'free text: s sends it'})`;
      await client.interaction.respond({ id: open.id, choice: c });
      return `answered ${refOf(s)}: ${choice.label}`;
    });
    else if ((c === 's' || c === 'S') && selected() !== undefined) {
      const s = selected()!;
      ask(c === 's' ? `send to ${refOf(s)}: ` : `queue for ${refOf(s)} (typed when idle): `, '', async (text) => {
        if (text === '') return '';
        const client = feed.current;
        if (client === null) return 'not connected to sessd';
        const open = state.open.get(s.id);
        if (c === 's' && open !== undefined && open.choices.length === 0) {
          await client.interaction.respond({ id: open.id, text });
          return `answered ${refOf(s)}`;
        }
        const m = await client.session.send({ session: s.id, text, when: c === 's' ? 'now' : 'idle' });
        return m.status === 'queued' ? `queued for ${refOf(s)}` : `sent to ${refOf(s)}`;
      });
    } else if (c === 'i') act(async (client, s) => (await client.session.interrupt({ session: s.id }), `interrupted ${refOf(s)}`));
    else if (c === 'x' && selected() !== undefined) {
      const s = selected()!;
      mode = { kind: 'confirm', label: `stop ${refOf(s)}?` };
      pendingConfirm = async () => {
        const client = feed.current;
        if (client === null) return 'not connected to sessd';
        await client.session.stop({ session: s.id });
        return `stopped ${refOf(s)}`;
      };
    } else if (c === 'n') {
      const client = feed.current;
      void client?.template.list().then(
        ({ templates }) => {
          if (mode.kind === 'input' && mode.label.startsWith('new')) state.notice = templates.length === 0 ? 'no templates: type ! and a command' : `templates: ${templates.map((t) => t.name).join(' ')}`;
          schedule();
        },
        () => undefined, // the list is a hint; the prompt works without it
      );
      ask('new session (TEMPLATE [NAME], or !COMMAND): ', '', async (line) => {
        const words = line.trim().split(/\s+/).filter(Boolean);
        const target = feed.current;
        if (words.length === 0 || target === null) return target === null ? 'not connected to sessd' : '';
        const s = line.trim().startsWith('!')
          ? await target.session.create({ command: line.trim().slice(1).trim().split(/\s+/) })
          : await target.session.create({ template: words[0]!, ...(words[1] === undefined ? {} : { name: words[1] }) });
        state.selected = s.id;
        return `created ${refOf(s)}`;
      });
    }
  };

  const inputKey = (key: Key): void => {
    if (mode.kind !== 'input') return;
    const filtering = mode.label === 'filter: ';
    if (key.name === 'escape' || key.name === 'ctrl-c') {
      if (filtering) state.filter = '';
      mode = { kind: 'list' };
      state.notice = '';
    } else if (key.name === 'enter') {
      const done = inputDone!;
      const value = mode.value;
      mode = { kind: 'list' };
      done(value).then(
        (notice) => (state.notice = notice),
        (error: Error) => (state.notice = error.message),
      ).finally(schedule);
    } else {
      if (key.name === 'backspace') mode.value = [...mode.value].slice(0, -1).join('');
      else if (key.name === 'ctrl-u') mode.value = '';
      else if (key.name === 'char') mode.value += key.char;
      if (filtering) state.filter = mode.value;
    }
  };

  const onKeys = (keys: Key[]): void => {
    if (busy) return;
    for (const key of keys) {
      if (mode.kind === 'help') mode = { kind: 'list' };
      else if (mode.kind === 'confirm') {
        const confirmed = key.name === 'char' && (key.char === 'y' || key.char === 'Y');
        const then = pendingConfirm;
        mode = { kind: 'list' };
        pendingConfirm = null;
        state.notice = confirmed ? '' : 'not stopped';
        if (confirmed && then !== null) then().then((n) => (state.notice = n), (e: Error) => (state.notice = e.message)).finally(schedule);
      } else if (mode.kind === 'input') inputKey(key);
      else listKey(key);
    }
    // A key is answered at once, not at the next frame.
    clearTimeout(frame);
    draw();
  };

  const screen = new Screen(onKeys, schedule);
  const restore = (): void => screen.leave();
  const stop = (): void => quit();
  process.on('exit', restore);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const ages = setInterval(schedule, AGE_REFRESH_MS);
  screen.enter();
  schedule();
  try {
    await feed.start();
    await finished;
  } finally {
    clearInterval(ages);
    clearTimeout(frame);
    feed.dispose();
    screen.leave();
    process.off('exit', restore);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
  }
  return 0;
}
