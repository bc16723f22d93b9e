/**
 * The data model of sessd's protocol (DESIGN.md, "Data model").
 *
 * Conventions, for clients in any language:
 * - Timestamps are ISO 8601 strings in UTC (`2026-11-21T07:39:49.123Z`).
 * - A field that has no value is `null`, never missing, so a client can rely on
 *   every documented field being present.
 * - Maps (`env`, `labels`) are JSON objects of strings.
 */

import type { ResourceLimits } from './resources.js';

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object, as used for `context`. */
export type JsonObject = { [key: string]: JsonValue };

/** The lifecycle status of a session. See `SESSION_TRANSITIONS` in the daemon for the rules. */
export type SessionStatus = 'created' | 'running' | 'paused' | 'suspended' | 'stopped' | 'exited' | 'crashed';
export const SESSION_STATUSES: readonly SessionStatus[] = [
  'created',
  'running',
  'paused',
  'suspended',
  'stopped',
  'exited',
  'crashed',
];
/** Statuses in which the session's program is alive. */
export const LIVE_STATUSES: readonly SessionStatus[] = ['running', 'paused'];
/** Statuses in which the session's program has ended (what `session/gc` collects by default). */
export const ENDED_STATUSES: readonly SessionStatus[] = ['stopped', 'exited', 'crashed', 'suspended'];

/** What the program in a running session is doing. `unknown` until a detector has an opinion. */
export type Activity = 'busy' | 'idle' | 'waiting' | 'unknown';
export const ACTIVITIES: readonly Activity[] = ['busy', 'idle', 'waiting', 'unknown'];

export type RestartPolicy = 'never' | 'on-failure' | 'always';
export const RESTART_POLICIES: readonly RestartPolicy[] = ['never', 'on-failure', 'always'];

/** A terminal size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Where a session runs. The tmux backend is the reference implementation. */
export interface SessionRuntime {
  backend: 'tmux';
  /** The tmux session name on the private server (equal to the session id). */
  tmuxSession: string | null;
  /** The pane id (`%12`) while the tmux session exists; only meaningful to the same tmux server. */
  paneId: string | null;
  /** The pid of the pane's own process, which runs the program as its foreground job. */
  panePid: number | null;
}

export interface Session {
  /** Short, lowercase, tmux-safe id, e.g. `s7k2m9qv`. Never reused. */
  id: string;
  /** Unique within `space`. */
  name: string;
  space: string;
  status: SessionStatus;
  activity: Activity;
  /** The program's argv. A session created without a command runs the user's login shell. */
  command: string[];
  cwd: string;
  /** Only the variables set for this session (the rest comes from sessd's environment). */
  env: Record<string, string>;
  template: string | null;
  /** The detector profile used for `activity` (`shell`, `claude`, `codex`, `aider`, `generic`, ...). */
  agent: string;
  labels: Record<string, string>;
  taskId: string | null;
  agentId: string | null;
  sessionType: string | null;
  context: JsonObject;
  restartPolicy: RestartPolicy;
  /** How many times the restart policy restarted the program. */
  restarts: number;
  /** The exit status of the last program run; for a program killed by a signal, 128 + the signal number. */
  exitCode: number | null;
  /** Extension: the signal that ended the last program run (`SIGKILL`), if a signal did. */
  exitSignal: string | null;
  /** The pid of the program (the pane's process) while it runs. */
  pid: number | null;
  size: TerminalSize;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  lastActivityAt: string | null;
  lastCheckpointAt: string | null;
  /**
   * Extension: when the restart policy will start the program again (after an exit
   * or a crash, with backoff); null when no restart is pending.
   */
  nextRestartAt: string | null;
  /** Extension: the resource limits its program runs under; absent in records written before limits existed. */
  limits?: ResourceLimits;
  runtime: SessionRuntime;
}

export type MessageStatus = 'queued' | 'delivered' | 'failed' | 'expired';
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'delivered', 'failed', 'expired'];

export interface Message {
  id: string;
  sessionId: string;
  text: string;
  /** Whether Enter is pressed after the text. */
  submit: boolean;
  when: 'now' | 'idle';
  status: MessageStatus;
  createdAt: string;
  deliveredAt: string | null;
  /** When a queued message expires, if it was given `expiresInMs`. */
  expiresAt: string | null;
  /** Why delivery failed, for `failed` and `expired`. */
  error: string | null;
}

export interface GitState {
  head: string;
  branch: string | null;
  dirty: boolean;
}

export interface CheckpointSummary {
  sessionId: string;
  seq: number;
  label: string | null;
  createdAt: string;
  /** Byte offset of the session's transcript when the checkpoint was taken. */
  transcriptOffset: number;
  git: GitState | null;
}

export interface Checkpoint extends CheckpointSummary {
  context: JsonObject;
  resumePrompt: string | null;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** The pane's text; omitted from `session/checkpoint` replies. */
  scrollback?: string;
}

export type InteractionKind = 'approval' | 'question';
export type InteractionStatus = 'open' | 'resolved' | 'cancelled';
export const INTERACTION_STATUSES: readonly InteractionStatus[] = ['open', 'resolved', 'cancelled'];

export interface InteractionChoice {
  id: string;
  label: string;
}

export interface Interaction {
  id: string;
  sessionId: string;
  kind: InteractionKind;
  /** The question's text as shown on screen. */
  prompt: string;
  /** In screen order; empty for a free-text question. */
  choices: InteractionChoice[];
  status: InteractionStatus;
  /** The answer given: a choice id or text. */
  response: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

/** Session defaults by name; every field is optional and overrides the layers below it. */
export interface Template {
  name: string;
  command?: string[];
  cwd?: string;
  env?: Record<string, string>;
  agent?: string;
  labels?: Record<string, string>;
  restartPolicy?: RestartPolicy;
  size?: TerminalSize;
  space?: string;
  sessionType?: string;
  context?: JsonObject;
  /** Extension: resource limits of the session's program (see resources.ts). */
  limits?: ResourceLimits;
}

export type EventType =
  | 'session.created'
  | 'session.status'
  | 'session.activity'
  | 'session.updated'
  | 'session.exited'
  | 'session.deleted'
  | 'message.queued'
  | 'message.delivered'
  | 'message.failed'
  | 'checkpoint.created'
  | 'interaction.opened'
  | 'interaction.resolved';

export const EVENT_TYPES: readonly EventType[] = [
  'session.created',
  'session.status',
  'session.activity',
  'session.updated',
  'session.exited',
  'session.deleted',
  'message.queued',
  'message.delivered',
  'message.failed',
  'checkpoint.created',
  'interaction.opened',
  'interaction.resolved',
];

/**
 * A durable event. `seq` is global and increases by one per event; a write the store
 * refused may leave a gap, never a repeat.
 *
 * `data` by type:
 * - `session.created`: the Session.
 * - `session.status`: `{status, previous, exitCode?, reason?}`.
 * - `session.activity`: `{activity, previous}`.
 * - `session.updated`: `{labels, context}` as they are after the update.
 * - `session.exited`: `{exitCode, exitSignal}`.
 * - `session.deleted`: `{name, space}`.
 * - `message.*`: the Message.
 * - `checkpoint.created`: the CheckpointSummary.
 * - `interaction.*`: the Interaction.
 */
export interface SessdEvent {
  seq: number;
  time: string;
  type: EventType;
  sessionId: string | null;
  data: JsonObject;
}
