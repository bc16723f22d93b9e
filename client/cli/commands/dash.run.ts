import type { Session } from '../../../shared/protocol/model.js';
import { LOCAL_HOST } from '../../../shared/hosts.js';
import type { SessdClient } from '../../sdk/client.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { HostsFeed, oneHost, type DashSource } from '../dash/hosts.js';
import { emptyState, keyParts, move, refOf, sessionKey } from '../dash/state.js';
import { Screen, type Key } from '../dash/terminal.js';
import { render, visibleKeys, type Mode } from '../dash/view.js';
import type { Input } from '../spec.js';
import { attachTo } from './attach.run.js';
import type { spec } from './dash.js';
import { hostNames } from './ls-hosts.js';

/** Draws at most this often: a burst of events or output is one redraw. */
const FRAME_MS = 30;
/** The ages in the list are redrawn this often (nothing else is read on a timer). */
const AGE_REFRESH_MS = 30_000;
/** A page of the list, for PgUp/PgDn. */
const PAGE = 10;

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number> {
  const hosts = o.hosts !== undefined || o.allHosts ? await hostsOf(o, ctx) : null;
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('sess dash needs a terminal (stdin and stdout)');
  // One machine is connected to before the screen is taken: failing to is a plain error. Several are connected to on screen.
  const first = hosts === null ? await ctx.connect() : null;
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
    feed.sync();
    screen.draw(render(state, mode, screen.width, screen.height, { color: process.env.NO_COLOR === undefined }));
    // The render settles the selection (the first session, until one is chosen): its screen is read once it changes.
    if (state.selected !== previewed) {
      previewed = state.selected;
      feed.selectionChanged();
    }
    feed.watch(visibleKeys(state, screen.height));
  };
  const schedule = (): void => {
    if (frame === undefined) frame = setTimeout(draw, Math.max(0, FRAME_MS - (Date.now() - lastDraw)));
  };

  const feed: DashSource = first === null ? new HostsFeed(ctx, state, hosts!, schedule) : oneHost(ctx, state, first, schedule);

  const selected = (): Session | undefined => (state.selected === null ? undefined : state.sessions.get(state.selected));
  /** The connection to the machine of the session `key`, null while it reconnects. */
  const clientOf = (key: string): SessdClient | null => feed.clientOn(feed.hostOf(key));
  /** A session as notices name it: `agents/review`, across machines `agents/review on build`. */
  const named = (key: string, s: Session): string => {
    const { host } = keyParts(state, key);
    return host === undefined ? refOf(s) : `${refOf(s)} on ${host}`;
  };

  /** Runs a request for the selected session on its machine; its outcome goes on the bottom line. */
  const act = (what: (client: SessdClient, s: Session, key: string) => Promise<string>): void => {
    const key = state.selected;
    const s = selected();
    if (key === null || s === undefined) return void (state.notice = 'no session selected');
    const client = clientOf(key);
    if (client === null) return void (state.notice = 'not connected to sessd');
    what(client, s, key).then(
      (notice) => (state.notice = notice),
      (error: Error) => (state.notice = `${named(key, s)}: ${error.message}`),
    ).finally(schedule);
  };

  const ask = (label: string, value: string, done: (value: string) => Promise<string>): void => {
    mode = { kind: 'input', label, value };
    inputDone = done;
  };

  const attach = async (key: string, s: Session): Promise<void> => {
    busy = true;
    screen.leave();
    try {
      // On the session's machine: over ssh (`ssh -t HOST sess attach`) unless it is this one.
      const { host } = keyParts(state, key);
      await attachTo(ctx.fresh(host === LOCAL_HOST ? undefined : host), s, false);
      state.notice = `back from ${named(key, s)}`;
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
      if (s !== undefined) void attach(state.selected!, s);
    } else if (c === '?') mode = { kind: 'help' };
    else if (c === '/') ask('filter: ', state.filter, (value) => Promise.resolve((state.filter = value, '')));
    else if (c === 'a' || c === 'd') act(async (client, s, key) => {
      const i = await client.session.approve({ session: s.id, deny: c === 'd' });
      return `${c === 'a' ? 'approved' : 'denied'}: ${named(key, s)} (${i.choices.find((ch) => ch.id === i.response)?.label ?? i.response ?? ''})`;
    });
    else if (c !== null && /^[1-9]$/.test(c)) act(async (client, s, key) => {
      const open = state.open.get(key);
      if (open === undefined) return `${named(key, s)} has no open question`;
      const choice = open.choices.find((ch) => ch.id === c);
      if (choice === undefined) return `no choice ${c} (${open.choices.map((ch) => ch.id).join(', ') || 'free text: s sends it'})`;
      await client.interaction.respond({ id: open.id, choice: c });
      return `answered ${named(key, s)}: ${choice.label}`;
    });
    else if ((c === 's' || c === 'S') && selected() !== undefined) {
      const [key, s] = [state.selected!, selected()!];
      ask(c === 's' ? `send to ${named(key, s)}: ` : `queue for ${named(key, s)} (typed when idle): `, '', async (text) => {
        if (text === '') return '';
        const client = clientOf(key);
        if (client === null) return 'not connected to sessd';
        const open = state.open.get(key);
        if (c === 's' && open !== undefined && open.choices.length === 0) {
          await client.interaction.respond({ id: open.id, text });
          return `answered ${named(key, s)}`;
        }
        const m = await client.session.send({ session: s.id, text, when: c === 's' ? 'now' : 'idle' });
        return m.status === 'queued' ? `queued for ${named(key, s)}` : `sent to ${named(key, s)}`;
      });
    } else if (c === 'i') act(async (client, s, key) => (await client.session.interrupt({ session: s.id }), `interrupted ${named(key, s)}`));
    else if (c === 'x' && selected() !== undefined) {
      const [key, s] = [state.selected!, selected()!];
      mode = { kind: 'confirm', label: `stop ${named(key, s)}?` };
      pendingConfirm = async () => {
        const client = clientOf(key);
        if (client === null) return 'not connected to sessd';
        await client.session.stop({ session: s.id });
        return `stopped ${named(key, s)}`;
      };
    } else if (c === 'n') {
      // On the selected session's machine (the first connected one when none is selected).
      const host = feed.hostOf(null);
      void feed.clientOn(host)?.template.list().then(
        ({ templates }) => {
          if (mode.kind === 'input' && mode.label.startsWith('new')) state.notice = templates.length === 0 ? 'no templates: type ! and a command' : `templates: ${templates.map((t) => t.name).join(' ')}`;
          schedule();
        },
        () => undefined, // the list is a hint; the prompt works without it
      );
      ask(`new session${host === undefined ? '' : ` on ${host}`} (TEMPLATE [NAME], or !COMMAND): `, '', async (line) => {
        const words = line.trim().split(/\s+/).filter(Boolean);
        const target = feed.clientOn(host);
        if (words.length === 0 || target === null) return target === null ? 'not connected to sessd' : '';
        const s = line.trim().startsWith('!')
          ? await target.session.create({ command: line.trim().slice(1).trim().split(/\s+/) })
          : await target.session.create({ template: words[0]!, ...(words[1] === undefined ? {} : { name: words[1] }) });
        state.selected = sessionKey(state, host, s.id);
        return `created ${named(state.selected, s)}`;
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

/** `--hosts a,b` / `--all-hosts`: the machines to show, checked as `sess ls` checks them. */
async function hostsOf(o: Input<typeof spec>, ctx: Context): Promise<string[]> {
  if (ctx.host !== undefined) throw new UsageError('--hosts names the machines to show; it does not combine with --host', 'dash');
  const hosts = await hostNames(o.hosts, o.allHosts);
  if (hosts.length === 0) throw new UsageError('--hosts needs at least one host', 'dash');
  // A name that is no host is a usage error now, not a host retried on screen forever.
  const { resolveHost } = await import('../hosts.js');
  for (const host of hosts) if (host !== LOCAL_HOST) await resolveHost(host);
  return hosts;
}
