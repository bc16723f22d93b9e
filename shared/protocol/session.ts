import { defineRequest } from './define.js';
import type { JsonObject, RestartPolicy, Session, SessionStatus, TerminalSize } from './model.js';
import type { ResourceLimits } from './resources.js';

/**
 * A reference to one session: its `id`, `space/name`, or a `name` in the `default`
 * space. An id wins over a name that happens to be spelled the same.
 */
export type SessionRef = string;

export interface SessionCreateParams {
  /** Unique in the space; 1-100 characters, no `/`, no control characters, not shaped like an id. Default: the program's name, made unique with `-2`, `-3`, ... */
  name?: string;
  /** Default `default`. Same rules as `name`. */
  space?: string;
  /** A template whose defaults apply below this request's own fields. */
  template?: string;
  /** argv; default: the user's login shell. */
  command?: string[];
  /** An existing directory; default: the user's home directory. */
  cwd?: string;
  /** Variables set for this session on top of sessd's environment. */
  env?: Record<string, string>;
  /** Detector profile; default: inferred from the command (`claude`, `codex`, `aider`, a shell), else `generic`. */
  agent?: string;
  labels?: Record<string, string>;
  taskId?: string;
  agentId?: string;
  sessionType?: string;
  context?: JsonObject;
  /** Default `never`. */
  restartPolicy?: RestartPolicy;
  /** Default 120x40. */
  size?: TerminalSize;
  /** Default true; `false` records the session as `created` without starting it. */
  start?: boolean;
  /** Extension: resource limits (see resources.ts); merged key by key over the layers below. */
  limits?: ResourceLimits;
  /**
   * Extension: resolve and validate everything, create nothing. The reply is the
   * session as it would be (with an empty `id` and status `created`) plus `resolution`.
   */
  dryRun?: boolean;
}

/**
 * Where a resolved value came from, lowest precedence first: sessd's built-in
 * defaults, the config file's `defaults`, the space's overrides (`spaces.<name>`),
 * the template, the request itself.
 */
export type ValueSource = 'builtin' | 'defaults' | 'space' | 'template' | 'request';

export interface SessionResolution {
  dryRun: true;
  /** The template used, and whether it came from the config file or from `template/set`. */
  template: { name: string; source: 'config' | 'rpc' } | null;
  /**
   * The source of each field; maps (`env`, `labels`, `context`, `limits`) merge key by
   * key across the layers, so each of their keys is listed on its own (`env.PATH`).
   */
  sources: Record<string, ValueSource>;
}

/** A created session; a dry run's reply also has `resolution`. */
export interface SessionCreateResult extends Session {
  resolution?: SessionResolution;
}

export interface SessionListParams {
  space?: string;
  /** Any of these statuses. */
  status?: SessionStatus[];
  /** Every label given must match exactly. */
  labels?: Record<string, string>;
  taskId?: string;
  agentId?: string;
  /** ISO 8601 timestamps; bounds are exclusive. */
  createdAfter?: string;
  createdBefore?: string;
  /** 1..5000, default 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface SessionListResult {
  /** Oldest first (by `createdAt`, then `id`). */
  sessions: Session[];
  /** Present when more sessions match. */
  nextCursor?: string;
}

export interface SessionParams {
  session: SessionRef;
}

export interface SessionUpdateParams {
  session: SessionRef;
  /** Merged into the labels; a `null` value removes that label. */
  labels?: Record<string, string | null>;
  context?: JsonObject;
  /** `merge` (default): RFC 7396 merge patch of `context`; `replace`: `context` replaces it. */
  contextMode?: 'merge' | 'replace';
}

/** Sessions matched by every field given. */
export interface SessionSelector {
  space?: string;
  labels?: Record<string, string>;
  status?: SessionStatus[];
}

/**
 * Params of the lifecycle methods: one session by `session`, or every session that
 * `selector` matches (exactly one of the two).
 */
export interface SessionLifecycleParams {
  session?: SessionRef;
  selector?: SessionSelector;
  /** `session/stop`, `session/restart`, `session/delete`: skip the graceful stop and SIGKILL at once. */
  force?: boolean;
  /** How long a graceful stop waits before SIGKILL; default 5000, at most 600000. */
  timeoutMs?: number;
}

/** The reply to a lifecycle method called with a selector: partial failure is data. */
export interface SelectorResult {
  ok: string[];
  failed: { id: string; error: { code: number; message: string; data?: unknown } }[];
}

export type SessionLifecycleResult = Session | SelectorResult;

export interface SessionGcParams {
  /** A duration such as `7d`, `12h`, `30m`, `0s`, measured from `endedAt`. */
  olderThan: string;
  /** Default: the ended statuses. */
  status?: SessionStatus[];
}

export interface SessionGcResult {
  deleted: string[];
}

export const SessionCreateRequest = defineRequest<SessionCreateParams, SessionCreateResult>('session/create');
export const SessionListRequest = defineRequest<SessionListParams, SessionListResult>('session/list');
export const SessionGetRequest = defineRequest<SessionParams, Session>('session/get');
export const SessionUpdateRequest = defineRequest<SessionUpdateParams, Session>('session/update');

export const SessionStartRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/start');
export const SessionStopRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/stop');
export const SessionRestartRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/restart');
export const SessionPauseRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/pause');
export const SessionResumeRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/resume');
export const SessionSuspendRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/suspend');
export const SessionDeleteRequest = defineRequest<SessionLifecycleParams, SessionLifecycleResult>('session/delete');

export const SessionGcRequest = defineRequest<SessionGcParams, SessionGcResult>('session/gc');
