import { homedir, userInfo } from 'node:os';
import type { JsonObject, Session, TerminalSize } from '../../shared/protocol/model.js';
import { BackendSessionMissing, BackendTimeout, BackendUnavailable, type SpawnSpec } from '../backend/backend.js';
import { errors } from '../errors.js';
import type { PendingEvent } from '../events/event-log.js';
import { nextStatus, type SessionAction } from './status.js';

/*
 * What the session parts share: the shapes of their settings, and pure helpers
 * (status transitions, spawn specs, backend errors as protocol errors).
 */

/** Default terminal size: wide enough for agents' TUIs. */
const DEFAULT_SIZE: TerminalSize = { cols: 120, rows: 40 };

export interface SessionDefaults {
  /** The user's login shell, run when a session has no command. */
  shell: string;
  home: string;
  size: TerminalSize;
  /** Set in every session (SESSD_SOCKET, so `sess` inside a session finds this daemon). */
  env: () => Record<string, string>;
}

/** The defaults of this user's sessions; `paths.socket` is read at each spawn (see `env`). */
export function sessionDefaults(paths: { readonly socket: string }): SessionDefaults {
  return {
    shell: process.env.SHELL || userInfo().shell || '/bin/sh',
    home: homedir(),
    size: DEFAULT_SIZE,
    // Read at each spawn: under socket activation the path is known only once listening.
    env: () => ({ SESSD_SOCKET: paths.socket }),
  };
}

export interface SessionLimits {
  maxSessions: number;
  maxMessageBytes: number;
  /** A session's stored context, as JSON. */
  maxContextBytes: number;
  /** Labels on one session. */
  maxLabels: number;
  /** Messages queued for one session's idle at once. */
  maxQueuedMessages: number;
}

/** Refuses labels or a context over the configured limits (`limit_exceeded` naming the limit). */
export function checkSessionLimits(labels: Record<string, string>, context: JsonObject, limits: SessionLimits): void {
  const count = Object.keys(labels).length;
  if (count > limits.maxLabels) throw errors.limitExceeded('labels', limits.maxLabels, count);
  const bytes = Buffer.byteLength(JSON.stringify(context));
  if (bytes > limits.maxContextBytes) throw errors.limitExceeded('contextBytes', limits.maxContextBytes, bytes);
}

/**
 * The session after `action`, with its `session.status` event; throws
 * `invalid_state` when the status machine forbids the transition.
 */
export function transition(
  session: Session,
  action: SessionAction,
  patch: Partial<Session> = {},
  reason?: string,
): { session: Session; events: PendingEvent[] } {
  const to = nextStatus(session.status, action);
  if (to === null) throw errors.invalidState(session, action);
  const next: Session = { ...session, ...patch, status: to, updatedAt: new Date().toISOString() };
  if (to !== 'running') next.activity = 'unknown';
  const data = { status: to, previous: session.status, ...(reason === undefined ? {} : { reason }) };
  return { session: next, events: [{ type: 'session.status', sessionId: session.id, data }] };
}

/** What the backend is asked to run for a session. */
export function spawnSpec(session: Session, defaults: SessionDefaults): SpawnSpec {
  return {
    name: session.id,
    command: session.command,
    cwd: session.cwd,
    env: { ...defaults.env(), SESSD_SESSION: session.id, ...session.env },
    size: session.size,
    title: session.name.replace(/\p{Cc}/gu, ''),
    ...(session.limits === undefined || Object.keys(session.limits).length === 0 ? {} : { limits: session.limits }),
  };
}

/** Maps backend failures to protocol errors. */
export function backendError(error: unknown, session: Session, action: string): unknown {
  if (error instanceof BackendUnavailable) return errors.providerUnavailable(error.message);
  if (error instanceof BackendTimeout) return errors.timeout(`tmux, to ${action} ${session.space}/${session.name},`, error.timeoutMs);
  if (error instanceof BackendSessionMissing) {
    return errors.invalidState(session, action, 'its tmux session is gone');
  }
  return error;
}

/** Runs a backend call, mapping its failures. */
export async function onBackend<T>(session: Session, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw backendError(error, session, action);
  }
}
