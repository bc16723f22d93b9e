import type { Interaction, SessdEvent } from '../../../shared/protocol/model.js';
import { SessdClient } from '../../sdk/client.js';
import { describe } from '../failure.js';
import { applyEvent, type DashState } from './state.js';

/** Waits between reconnection attempts after sessd went away (a restart takes about a second). */
const RECONNECT_DELAYS_MS = [100, 250, 500, 1_000, 2_000];
/** The preview is captured at most this often while its session streams output. */
const PREVIEW_INTERVAL_MS = 100;
/** The list's last lines are read at most this often while their sessions stream output. */
const LINES_INTERVAL_MS = 1_000;
/** Transcripts followed at once for the list's last lines (the rows on screen). */
const MAX_FOLLOWED = 80;

/**
 * Keeps a DashState current from one sessd connection: the sessions and open
 * interactions at (re)connection, then events. Output is followed (`transcript/follow`)
 * only for the selected session (its preview) and the rows on screen (their last
 * line); each is captured again when output arrives, at most every interval. Nothing
 * is read on a timer while nothing happens. When sessd goes away it reconnects; with
 * `keepTrying`, a first connection that fails is retried too, and each failure's reason
 * shown (state.connection) instead of thrown.
 */
export class Feed {
  private client: SessdClient | null = null;
  private stopped = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  /** followId → session id. */
  private readonly follows = new Map<string, string>();
  /** session id → followId (or a pending follow). */
  private readonly followed = new Map<string, Promise<string | null>>();
  private previewTimer: NodeJS.Timeout | undefined;
  private previewDirty = false;
  private linesTimer: NodeJS.Timeout | undefined;
  private readonly dirtyLines = new Set<string>();
  private wanted = new Set<string>();

  constructor(
    private readonly state: DashState,
    private readonly connect: () => Promise<SessdClient>,
    private readonly changed: () => void,
    private readonly keepTrying = false,
  ) {}

  /** The connection in use, or null while reconnecting. */
  get current(): SessdClient | null {
    return this.client;
  }

  async start(): Promise<void> {
    try {
      const client = await this.connect();
      if (this.stopped) return client.dispose();
      await this.open(client);
    } catch (error) {
      if (!this.keepTrying) throw error;
      if (!this.stopped) this.failed(error);
    }
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.previewTimer);
    clearTimeout(this.linesTimer);
    this.client?.dispose();
    this.client = null;
  }

  /** Follows the output of `ids` (the rows on screen and the selection), and only those. */
  watch(ids: readonly string[]): void {
    this.wanted = new Set(ids.slice(0, MAX_FOLLOWED));
    if (this.state.selected !== null) this.wanted.add(this.state.selected);
    const client = this.client;
    if (client === null) return;
    for (const [id, pending] of this.followed) {
      if (this.wanted.has(id)) continue;
      this.followed.delete(id);
      void pending.then((followId) => {
        if (followId === null) return;
        this.follows.delete(followId);
        // A session that ended or a connection that closed has no follow to end.
        client.transcript.unfollow({ followId }).catch(() => undefined);
      });
    }
    for (const id of this.wanted) {
      if (this.followed.has(id)) continue;
      this.followed.set(
        id,
        client.transcript.follow({ session: id }).then(
          ({ followId }) => (this.follows.set(followId, id), followId),
          () => null, // not running: nothing to follow
        ),
      );
      this.dirtyLines.add(id);
    }
    this.scheduleLines(0);
  }

  /** The selection changed: its screen is read now. */
  selectionChanged(): void {
    this.state.preview = [];
    this.previewDirty = true;
    clearTimeout(this.previewTimer);
    this.previewTimer = undefined;
    this.schedulePreview();
  }

  /** Reads the state through `client` and follows it; a client that fails to is closed. */
  private async open(client: SessdClient): Promise<void> {
    try {
      await this.load(client);
    } catch (error) {
      if (this.client === client) this.client = null;
      client.dispose();
      throw error;
    }
  }

  private async load(client: SessdClient): Promise<void> {
    this.client = client;
    this.follows.clear();
    this.followed.clear();
    client.onClose((reason) => this.lost(client, reason));
    client.on('transcript/data', ({ followId }) => {
      const id = this.follows.get(followId);
      if (id === undefined) return;
      if (id === this.state.selected) this.schedulePreview();
      this.dirtyLines.add(id);
      this.scheduleLines(LINES_INTERVAL_MS);
    });
    // Subscribe first and hold the events, then read the state: an event is never missed.
    const held: SessdEvent[] = [];
    let listed = false;
    const subscription = await client.subscribe(
      { types: ['session.created', 'session.deleted', 'session.status', 'session.activity', 'session.exited', 'interaction.opened', 'interaction.resolved'] },
      (event) => {
        if (!listed) held.push(event);
        else if (applyEvent(this.state, event)) this.eventApplied(event);
      },
    );
    void subscription;
    const [sessions, open] = await Promise.all([client.listAll(), this.openInteractions(client)]);
    this.state.sessions = new Map(sessions.map((s) => [s.id, s]));
    this.state.open = new Map(open.map((i) => [i.sessionId, i]));
    for (const event of held) applyEvent(this.state, event);
    listed = true;
    this.attempt = 0;
    this.state.connection = 'live';
    this.previewDirty = true;
    this.schedulePreview();
    this.changed();
  }

  private eventApplied(event: SessdEvent): void {
    if (event.sessionId !== null && event.type === 'session.activity') this.dirtyLines.add(event.sessionId);
    if (event.sessionId === this.state.selected) this.schedulePreview();
    if (event.type === 'session.status' && event.sessionId !== null) this.followed.delete(event.sessionId); // a restarted program needs a new follow
    this.changed();
  }

  private async openInteractions(client: SessdClient): Promise<Interaction[]> {
    const all: Interaction[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.interaction.list({ status: 'open', ...(cursor === undefined ? {} : { cursor }) });
      all.push(...page.interactions);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return all;
  }

  private lost(client: SessdClient, reason: string): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    this.state.connection = `sessd unreachable (${reason}); reconnecting`;
    this.changed();
    this.reconnect();
  }

  private reconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
    this.retry = setTimeout(() => {
      this.connect()
        .then((client) => (this.stopped ? client.dispose() : this.open(client)))
        .then(() => this.watch([...this.wanted]))
        .catch((error: unknown) => {
          if (this.stopped) return;
          if (this.keepTrying) this.failed(error);
          else this.reconnect();
        });
    }, delay);
  }

  /** Shows why the connection failed, and tries again. */
  private failed(error: unknown): void {
    this.state.connection = `${describe(error).message}; reconnecting`;
    this.changed();
    this.reconnect();
  }

  private schedulePreview(): void {
    this.previewDirty = true;
    if (this.previewTimer !== undefined) return;
    this.previewTimer = setTimeout(() => {
      this.previewTimer = undefined;
      if (!this.previewDirty) return;
      this.previewDirty = false;
      void this.capturePreview();
    }, 0);
  }

  private async capturePreview(): Promise<void> {
    const id = this.state.selected;
    const client = this.client;
    if (id === null || client === null) return;
    const started = Date.now();
    try {
      const { text } = await client.session.capture({ session: id });
      if (this.state.selected !== id) return;
      this.state.preview = text.split('\n');
      this.state.lastLine.set(id, lastLine(text));
      this.changed();
    } catch {
      // Not running (no screen) or the connection went: the preview keeps what it had.
    }
    // Streaming output: the next capture waits out the interval.
    if (this.previewDirty && this.previewTimer === undefined) {
      this.previewTimer = setTimeout(() => {
        this.previewTimer = undefined;
        this.schedulePreview();
      }, Math.max(0, PREVIEW_INTERVAL_MS - (Date.now() - started)));
    }
  }

  private scheduleLines(delay: number): void {
    if (this.linesTimer !== undefined || this.dirtyLines.size === 0) return;
    this.linesTimer = setTimeout(() => {
      this.linesTimer = undefined;
      void this.readLines();
    }, delay);
  }

  private async readLines(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    const ids = [...this.dirtyLines].filter((id) => this.wanted.has(id) && this.state.sessions.get(id)?.status === 'running');
    this.dirtyLines.clear();
    const results = await Promise.all(ids.map((id) => client.session.capture({ session: id }).then((r) => [id, lastLine(r.text)] as const, () => null)));
    let any = false;
    for (const r of results) {
      if (r === null || this.state.lastLine.get(r[0]) === r[1]) continue;
      this.state.lastLine.set(r[0], r[1]);
      any = true;
    }
    if (any) this.changed();
  }
}

/** The last line with something on it. */
function lastLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim() !== '') return lines[i]!.trim();
  return '';
}
