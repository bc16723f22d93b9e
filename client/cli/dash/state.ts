import type { Interaction, SessdEvent, Session } from '../../../shared/protocol/model.js';

/**
 * What the dashboard shows, kept current from sessd's events (pure: view.ts draws
 * it, dash.run.ts feeds it).
 */
export interface DashState {
  sessions: Map<string, Session>;
  /** The open interaction of each waiting session (the newest). */
  open: Map<string, Interaction>;
  /** The latest non-blank line of each session's screen, where read. */
  lastLine: Map<string, string>;
  selected: string | null;
  /** The first row of the list on screen. */
  scroll: number;
  filter: string;
  /** `live`, or why the dashboard is not connected (it reconnects by itself). */
  connection: string;
  /** The selected session's screen, its last lines. */
  preview: string[];
  /** A one-line outcome of the last key (an error or "approved"). */
  notice: string;
  /**
   * Across machines (`sess dash --hosts`): each host, in the order named, and `live` or
   * why it is not connected. Sessions (and `open`, `lastLine`, `selected`) are then
   * keyed by `sessionKey`. Empty on one machine, where the keys are the session ids.
   */
  hosts: Map<string, string>;
}

export function emptyState(): DashState {
  return { sessions: new Map(), open: new Map(), lastLine: new Map(), selected: null, scroll: 0, filter: '', connection: 'connecting', preview: [], notice: '', hosts: new Map() };
}

/** Applies one event; returns whether anything shown changed. */
export function applyEvent(state: DashState, event: SessdEvent): boolean {
  const id = event.sessionId;
  if (id === null) return false;
  const d = event.data;
  if (event.type === 'session.created') {
    state.sessions.set(id, d as unknown as Session);
    return true;
  }
  if (event.type === 'session.deleted') {
    state.open.delete(id);
    state.lastLine.delete(id);
    return state.sessions.delete(id);
  }
  if (event.type === 'interaction.opened') {
    state.open.set(id, d as unknown as Interaction);
    return true;
  }
  if (event.type === 'interaction.resolved') {
    if (state.open.get(id)?.id !== d.id) return false;
    state.open.delete(id);
    return true;
  }
  const session = state.sessions.get(id);
  if (session === undefined) return false;
  const next: Session = { ...session, updatedAt: event.time };
  if (event.type === 'session.status' && typeof d.status === 'string') {
    next.status = d.status as Session['status'];
    if (next.status !== 'running') next.activity = 'unknown';
  } else if (event.type === 'session.activity' && typeof d.activity === 'string') {
    next.activity = d.activity as Session['activity'];
    next.lastActivityAt = event.time;
    if (next.activity !== 'waiting') state.open.delete(id);
  } else if (event.type === 'session.exited') {
    next.exitCode = typeof d.exitCode === 'number' ? d.exitCode : null;
  } else return false;
  state.sessions.set(id, next);
  return true;
}

export function refOf(s: Pick<Session, 'name' | 'space'>): string {
  return s.space === 'default' ? s.name : `${s.space}/${s.name}`;
}

/** The key of `host`'s session `id` in `state` (a session id holds no space). */
export function sessionKey(state: DashState, host: string | undefined, id: string): string {
  return state.hosts.size === 0 || host === undefined ? id : `${host} ${id}`;
}

/** The host and session id a key names (no host on one machine). */
export function keyParts(state: DashState, key: string): { host: string | undefined; id: string } {
  const at = key.lastIndexOf(' ');
  return state.hosts.size === 0 || at < 0 ? { host: undefined, id: key } : { host: key.slice(0, at), id: key.slice(at + 1) };
}

/** A row of the list: a group heading (`down`: a host not connected) or a session. */
export type Row = { kind: 'heading'; text: string; down?: boolean } | { kind: 'session'; key: string; host: string | undefined; session: Session; waiting: boolean };

function needsYou(state: DashState, key: string, s: Session): boolean {
  return s.status === 'running' && (s.activity === 'waiting' || state.open.has(key));
}

/**
 * The list: sessions waiting for a person first (under their own heading, marked),
 * then every other session grouped by space (spaces by name, sessions by name; across
 * machines, by host in the order named within a space, after a line for each host not
 * connected). The filter keeps sessions whose `space/name`, status, activity, agent, a
 * label or host holds it.
 */
export function rows(state: DashState): Row[] {
  const filter = state.filter.toLowerCase();
  const order = [...state.hosts.keys()];
  const shown = [...state.sessions]
    .map(([key, session]) => ({ key, session, host: keyParts(state, key).host }))
    .filter((r) => filter === '' || haystack(r.session, r.host).includes(filter));
  const byHost = (a: string | undefined, b: string | undefined): number => (a === undefined || b === undefined ? 0 : order.indexOf(a) - order.indexOf(b));
  shown.sort((a, b) => a.session.space.localeCompare(b.session.space) || byHost(a.host, b.host) || a.session.name.localeCompare(b.session.name));
  const out: Row[] = [];
  for (const [host, connection] of state.hosts) if (connection !== 'live') out.push({ kind: 'heading', text: `${host}: ${connection}`, down: true });
  const waiting = shown.filter((r) => needsYou(state, r.key, r.session));
  if (waiting.length > 0) {
    out.push({ kind: 'heading', text: `waiting for you (${waiting.length})` });
    for (const r of waiting) out.push({ kind: 'session', ...r, waiting: true });
  }
  let space: string | null = null;
  for (const r of shown) {
    if (needsYou(state, r.key, r.session)) continue;
    if (r.session.space !== space) {
      space = r.session.space;
      out.push({ kind: 'heading', text: space });
    }
    out.push({ kind: 'session', ...r, waiting: false });
  }
  return out;
}

function haystack(s: Session, host: string | undefined): string {
  return [refOf(s), s.status, s.activity, s.agent, ...Object.entries(s.labels).map(([k, v]) => `${k}=${v}`), host ?? ''].join(' ').toLowerCase();
}

/** The selected session's row index in `list`, moving the selection to the first session when it is gone. */
export function selectedIndex(state: DashState, list: readonly Row[]): number {
  let index = list.findIndex((r) => r.kind === 'session' && r.key === state.selected);
  if (index < 0) {
    index = list.findIndex((r) => r.kind === 'session');
    state.selected = index < 0 ? null : (list[index] as Extract<Row, { kind: 'session' }>).key;
  }
  return index;
}

/** Moves the selection by `delta` sessions (headings are skipped). */
export function move(state: DashState, delta: number): void {
  const sessions = rows(state).filter((r): r is Extract<Row, { kind: 'session' }> => r.kind === 'session');
  if (sessions.length === 0) return;
  const at = Math.max(0, sessions.findIndex((r) => r.key === state.selected));
  const next = Math.min(sessions.length - 1, Math.max(0, at + delta));
  state.selected = sessions[next]!.key;
}
