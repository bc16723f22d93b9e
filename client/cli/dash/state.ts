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
}

export function emptyState(): DashState {
  return { sessions: new Map(), open: new Map(), lastLine: new Map(), selected: null, scroll: 0, filter: '', connection: 'connecting', preview: [], notice: '' };
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

/** A row of the list: a group heading or a session. */
export type Row = { kind: 'heading'; text: string } | { kind: 'session'; session: Session; waiting: boolean };

function needsYou(state: DashState, s: Session): boolean {
  return s.status === 'running' && (s.activity === 'waiting' || state.open.has(s.id));
}

/**
 * The list: sessions waiting for a person first (under their own heading, marked),
 * then every other session grouped by space (spaces by name, sessions by name). The
 * filter keeps sessions whose `space/name`, status, activity, agent or a label holds it.
 */
export function rows(state: DashState): Row[] {
  const filter = state.filter.toLowerCase();
  const shown = [...state.sessions.values()].filter((s) => filter === '' || haystack(s).includes(filter));
  shown.sort((a, b) => a.space.localeCompare(b.space) || a.name.localeCompare(b.name));
  const waiting = shown.filter((s) => needsYou(state, s));
  const out: Row[] = [];
  if (waiting.length > 0) {
    out.push({ kind: 'heading', text: `waiting for you (${waiting.length})` });
    for (const s of waiting) out.push({ kind: 'session', session: s, waiting: true });
  }
  let space: string | null = null;
  for (const s of shown) {
    if (needsYou(state, s)) continue;
    if (s.space !== space) {
      space = s.space;
      out.push({ kind: 'heading', text: space });
    }
    out.push({ kind: 'session', session: s, waiting: false });
  }
  return out;
}

function haystack(s: Session): string {
  return [refOf(s), s.status, s.activity, s.agent, ...Object.entries(s.labels).map(([k, v]) => `${k}=${v}`)].join(' ').toLowerCase();
}

/** The selected session's row index in `list`, moving the selection to the first session when it is gone. */
export function selectedIndex(state: DashState, list: readonly Row[]): number {
  let index = list.findIndex((r) => r.kind === 'session' && r.session.id === state.selected);
  if (index < 0) {
    index = list.findIndex((r) => r.kind === 'session');
    state.selected = index < 0 ? null : (list[index] as Extract<Row, { kind: 'session' }>).session.id;
  }
  return index;
}

/** Moves the selection by `delta` sessions (headings are skipped). */
export function move(state: DashState, delta: number): void {
  const sessions = rows(state).filter((r): r is Extract<Row, { kind: 'session' }> => r.kind === 'session');
  if (sessions.length === 0) return;
  const at = Math.max(0, sessions.findIndex((r) => r.session.id === state.selected));
  const next = Math.min(sessions.length - 1, Math.max(0, at + delta));
  state.selected = sessions[next]!.session.id;
}
