import { LOCAL_HOST } from '../../../shared/hosts.js';
import { SessdClient } from '../../sdk/client.js';
import { SESSD_VERSION } from '../../../shared/protocol/version.js';
import type { Context } from '../context.js';
import { Feed } from './feed.js';
import { emptyState, keyParts, sessionKey, type DashState } from './state.js';

/**
 * Where the dashboard's sessions come from: one machine (a Feed over `ctx`'s
 * connection), or several (`sess dash --hosts`), each followed over its own.
 */
export interface DashSource {
  start(): Promise<void>;
  dispose(): void;
  /** Before each draw: brings the dashboard's state up to what was read. */
  sync(): void;
  /** Follows the output of the sessions of `keys` (the rows on screen), and only those. */
  watch(keys: readonly string[]): void;
  selectionChanged(): void;
  /** The machine of the session `key`, or (null) the one a new session goes to; undefined on one machine. */
  hostOf(key: string | null): string | undefined;
  /** The connection to `host`, null while it reconnects. */
  clientOn(host: string | undefined): SessdClient | null;
}

/** One machine: `first` again, then this machine's socket or `ssh HOST sess proxy` as `--host` names it. */
export function oneHost(ctx: Context, state: DashState, first: SessdClient, changed: () => void): DashSource {
  let reused = false;
  const feed = new Feed(
    state,
    async () => {
      if (!reused) {
        reused = true;
        return first;
      }
      // Again to the same sessd: this machine's socket, or over ssh to --host's.
      if (ctx.host !== undefined) return ctx.connectTo(ctx.host, { quiet: true });
      return SessdClient.connect({ socket: first.socket, clientName: 'sess dash', clientVersion: SESSD_VERSION });
    },
    changed,
  );
  return {
    start: () => feed.start(),
    dispose: () => feed.dispose(),
    sync: () => undefined,
    watch: (keys) => feed.watch(keys),
    selectionChanged: () => feed.selectionChanged(),
    hostOf: () => undefined,
    clientOn: () => feed.current,
  };
}

interface Host {
  name: string;
  /** What this host's feed keeps, keyed by session id. */
  state: DashState;
  feed: Feed;
}

/**
 * Several machines: a Feed each, over its own connection (`local`: this machine's
 * socket; any other: `ssh HOST sess proxy`), all started at once, each reconnecting by
 * itself with backoff. A host that does not answer, or drops, is shown with the reason
 * and retried; the others go on. Their states are merged into the dashboard's before
 * each draw, sessions keyed by host (state.ts `sessionKey`).
 */
export class HostsFeed implements DashSource {
  private readonly hosts: Host[];

  constructor(
    ctx: Context,
    private readonly state: DashState,
    names: readonly string[],
    changed: () => void,
  ) {
    this.hosts = names.map((name) => {
      const own = emptyState();
      let again = false;
      const connect = (): Promise<SessdClient> => {
        // This machine's sessd is started (unless --no-autostart) the first time only: one stopped on purpose stays stopped.
        const options = { quiet: true, ...(again && name === LOCAL_HOST ? { autostart: false } : {}) };
        again = true;
        return ctx.connectTo(name === LOCAL_HOST ? undefined : name, options);
      };
      state.hosts.set(name, own.connection);
      return { name, state: own, feed: new Feed(own, connect, changed, true) };
    });
  }

  /** Starts every host's feed and returns at once: a host that is slow to answer shows as connecting. */
  start(): Promise<void> {
    for (const host of this.hosts) void host.feed.start(); // never rejects: a failure is shown and retried
    return Promise.resolve();
  }

  dispose(): void {
    for (const host of this.hosts) host.feed.dispose();
  }

  sync(): void {
    const s = this.state;
    s.sessions = new Map();
    s.open = new Map();
    s.lastLine = new Map();
    for (const host of this.hosts) {
      const key = (id: string): string => sessionKey(s, host.name, id);
      for (const [id, session] of host.state.sessions) s.sessions.set(key(id), session);
      for (const [id, open] of host.state.open) s.open.set(key(id), open);
      for (const [id, line] of host.state.lastLine) s.lastLine.set(key(id), line);
      s.hosts.set(host.name, host.state.connection);
    }
    const down = this.hosts.filter((h) => h.state.connection !== 'live').length;
    s.connection = down === 0 ? 'live' : `${down} of ${this.hosts.length} hosts not connected`;
    s.preview = this.owner(s.selected)?.state.preview ?? [];
  }

  watch(keys: readonly string[]): void {
    const ids = new Map<string, string[]>();
    for (const key of keys) {
      const { host, id } = keyParts(this.state, key);
      if (host !== undefined) ids.set(host, [...(ids.get(host) ?? []), id]);
    }
    for (const host of this.hosts) host.feed.watch(ids.get(host.name) ?? []);
  }

  selectionChanged(): void {
    const selected = this.state.selected === null ? null : keyParts(this.state, this.state.selected);
    for (const host of this.hosts) {
      const mine = host.name === selected?.host;
      host.state.selected = mine ? selected.id : null;
      if (mine) host.feed.selectionChanged();
      else host.state.preview = [];
    }
  }

  /** A session's host; for a new session, the selected one's, else the first connected one. */
  hostOf(key: string | null): string {
    return (this.owner(key ?? this.state.selected) ?? this.hosts.find((h) => h.feed.current !== null) ?? this.hosts[0]!).name;
  }

  clientOn(host: string | undefined): SessdClient | null {
    return this.hosts.find((h) => h.name === host)?.feed.current ?? null;
  }

  private owner(key: string | null): Host | undefined {
    if (key === null) return undefined;
    const { host } = keyParts(this.state, key);
    return this.hosts.find((h) => h.name === host);
  }
}
