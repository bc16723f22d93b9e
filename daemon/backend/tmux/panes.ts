import type { BackendSessionState } from '../backend.js';
import { signalName } from './process-groups.js';

/** What sessd asks tmux about a pane; the session name comes last because it may hold tabs. */
export const PANE_FORMAT = [
  '#{pane_id}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{session_created}',
  '#{window_index}',
  '#{pane_index}',
  '#{session_name}',
].join('\t');

export interface PaneRow extends BackendSessionState {
  /** Window and pane index, for picking a session's first pane. */
  order: number;
}

/** Parses one PANE_FORMAT line. Pure. */
export function parsePaneRow(line: string): PaneRow | null {
  const fields: string[] = [];
  let rest = line;
  for (let i = 0; i < 8; i++) {
    const tab = rest.indexOf('\t');
    if (tab === -1) return null;
    fields.push(rest.slice(0, tab));
    rest = rest.slice(tab + 1);
  }
  const [paneId, pid, dead, status, signal, created, window, pane] = fields as [string, ...string[]];
  const signo = Number.parseInt(signal!, 10);
  const code = Number.parseInt(status!, 10);
  const isDead = dead === '1';
  return {
    name: rest,
    paneId,
    panePid: Number.parseInt(pid!, 10) || null,
    dead: isDead,
    exitCode: !isDead ? null : Number.isNaN(signo) ? (Number.isNaN(code) ? null : code) : 128 + signo,
    exitSignal: isDead && !Number.isNaN(signo) ? signalName(signo) : null,
    createdAt: created ? new Date(Number(created) * 1000).toISOString() : null,
    order: Number(window) * 10_000 + Number(pane),
  };
}

export function toState({ order: _order, ...state }: PaneRow): BackendSessionState {
  return state;
}
