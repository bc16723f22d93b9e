import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { defineRequest } from './define.js';
import { absolutePath, agent, command, env, identifier, JsonObjectSchema, labelPatch, labels, name, sessionRef, TerminalSizeSchema, text, timestamp } from './fields.js';
import { RestartPolicySchema, SessionSchema, SessionStatusSchema, WorktreeRequestSchema } from './model.js';
import { ResourceLimitsSchema } from './resources.js';

/**
 * A reference to one session: its `id`, `space/name`, or a `name` in the `default`
 * space. An id wins over a name that happens to be spelled the same.
 */
export type SessionRef = z.infer<typeof sessionRef>;

/** The most sessions one `session/list` page holds. */
export const MAX_LIST_LIMIT = 5_000;

export const SessionCreateParamsSchema = z.strictObject({
  /** Unique in the space; 1-100 characters, no `/`, no control characters, not shaped like an id. Default: the program's name, made unique with `-2`, `-3`, ... */
  name: name.optional(),
  /** Default `default`. Same rules as `name`. */
  space: name.optional(),
  /** A template whose defaults apply below this request's own fields. */
  template: identifier.optional(),
  /** argv; default: the user's login shell. */
  command: command.optional(),
  /** An existing directory; default: the user's home directory. */
  cwd: absolutePath.optional(),
  /** Variables set for this session on top of sessd's environment (and of `callerEnv`). */
  env: env.optional(),
  /**
   * Extension: the caller's environment, the lowest layer of the session's `env` (below
   * the config's `defaults`, the space's, the template's and the request's `env`), so
   * the program runs as the caller would have run it there, found on the caller's
   * PATH. The daemon drops what belongs to the caller's terminal, shell and editor
   * (TERM, TMUX, COLUMNS, PWD, VSCODE_*, ...), sessd's own SESSD_* and names that
   * are not variable names (shared/caller-env.ts); what is kept becomes part of the
   * session's `env`, and so of its restarts and checkpoints. `sess new` sends it
   * unless `--clean-env`; the editor plugins send theirs.
   */
  callerEnv: z
    .record(z.string().max(1024), text)
    .refine((value) => Object.keys(value).length <= 4096, 'at most 4096 variables')
    .optional(),
  /** Detector profile; default: inferred from the command (`claude`, `codex`, `aider`, a shell), else `generic`. */
  agent: agent.optional(),
  labels: labels.optional(),
  taskId: identifier.optional(),
  agentId: identifier.optional(),
  sessionType: identifier.optional(),
  context: JsonObjectSchema.optional(),
  /** Default `never`. */
  restartPolicy: RestartPolicySchema.optional(),
  /** Default 120x40. */
  size: TerminalSizeSchema.optional(),
  /** Default true; `false` records the session as `created` without starting it. */
  start: z.boolean().optional(),
  /** Extension: resource limits (see resources.ts); merged key by key over the layers below. */
  limits: ResourceLimitsSchema.optional(),
  /**
   * Extension: run the session in a new git worktree of the repository `cwd` is in
   * (README "Working with worktrees"); its `cwd` becomes the same directory inside the
   * worktree, and the session's `worktree` says where it is.
   */
  worktree: WorktreeRequestSchema.optional(),
  /**
   * Extension: resolve and validate everything, create nothing. The reply is the
   * session as it would be (with an empty `id` and status `created`) plus `resolution`.
   */
  dryRun: z.boolean().optional(),
});
export type SessionCreateParams = z.infer<typeof SessionCreateParamsSchema>;

/**
 * Where a resolved value came from, lowest precedence first: the caller's environment
 * (`callerEnv`, for `env` keys only), sessd's built-in defaults, the config file's `defaults`, the space's overrides (`spaces.<name>`),
 * the template, the request itself.
 */
export const ValueSourceSchema = z.enum(['caller', 'builtin', 'defaults', 'space', 'template', 'request']);
export type ValueSource = z.infer<typeof ValueSourceSchema>;

export const SessionResolutionSchema = z.object({
  dryRun: z.literal(true),
  /** The template used, and whether it came from the config file or from `template/set`. */
  template: z.object({ name: z.string(), source: z.enum(['config', 'rpc']) }).nullable(),
  /**
   * The source of each field; maps (`env`, `labels`, `context`, `limits`) merge key by
   * key across the layers, so each of their keys is listed on its own (`env.PATH`).
   */
  sources: z.record(z.string(), ValueSourceSchema),
});
export type SessionResolution = z.infer<typeof SessionResolutionSchema>;

/** A created session; a dry run's reply also has `resolution`. */
export const SessionCreateResultSchema = SessionSchema.extend({ resolution: SessionResolutionSchema.optional() });
export type SessionCreateResult = z.infer<typeof SessionCreateResultSchema>;

export const SessionListParamsSchema = z.strictObject({
  space: name.optional(),
  /** Any of these statuses. */
  status: z.array(SessionStatusSchema).optional(),
  /** Every label given must match exactly. */
  labels: labels.optional(),
  taskId: identifier.optional(),
  agentId: identifier.optional(),
  /** ISO 8601 timestamps; bounds are exclusive. */
  createdAfter: timestamp.optional(),
  createdBefore: timestamp.optional(),
  /** 1..5000, default 500. */
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  /** `nextCursor` of the previous page. */
  cursor: z.string().max(1000).optional(),
});
export type SessionListParams = z.infer<typeof SessionListParamsSchema>;

export const SessionListResultSchema = z.object({
  /** Oldest first (by `createdAt`, then `id`). */
  sessions: z.array(SessionSchema),
  /** Present when more sessions match. */
  nextCursor: z.string().optional(),
});
export type SessionListResult = z.infer<typeof SessionListResultSchema>;

export const SessionParamsSchema = z.strictObject({ session: sessionRef });
export type SessionParams = z.infer<typeof SessionParamsSchema>;

export const SessionUpdateParamsSchema = z.strictObject({
  session: sessionRef,
  /** Merged into the labels; a `null` value removes that label. */
  labels: labelPatch.optional(),
  context: JsonObjectSchema.optional(),
  /** `merge` (default): RFC 7396 merge patch of `context`; `replace`: `context` replaces it. */
  contextMode: z.enum(['merge', 'replace']).optional(),
  /** Extension: a new name, unique in the session's space (`session_exists` when taken); the id stays. */
  name: name.optional(),
  /** Extension: a new restart policy, for the program's next exit. */
  restartPolicy: RestartPolicySchema.optional(),
  /** Extension: `off` pauses approval policies for this session (its approvals wait for a person); `on` resumes them. */
  policy: z.enum(['on', 'off']).optional(),
});
export type SessionUpdateParams = z.infer<typeof SessionUpdateParamsSchema>;

/** Sessions matched by every field given. */
export const SessionSelectorSchema = z.strictObject({
  space: name.optional(),
  labels: labels.optional(),
  status: z.array(SessionStatusSchema).optional(),
});
export type SessionSelector = z.infer<typeof SessionSelectorSchema>;

/**
 * Params of the lifecycle methods: one session by `session`, or every session that
 * `selector` matches (exactly one of the two).
 */
export const SessionLifecycleParamsSchema = z
  .strictObject({
    session: sessionRef.optional(),
    selector: SessionSelectorSchema.optional(),
    /** `session/stop`, `session/restart`, `session/delete`: skip the graceful stop and SIGKILL at once. */
    force: z.boolean().optional(),
    /** How long a graceful stop waits before SIGKILL; default 5000, at most 600000. */
    timeoutMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((p) => (p.session === undefined) !== (p.selector === undefined), {
    message: 'give exactly one of "session" and "selector"',
    path: ['session'],
  });
export type SessionLifecycleParams = z.infer<typeof SessionLifecycleParamsSchema>;

/** The reply to a lifecycle method called with a selector: partial failure is data. */
export const SelectorResultSchema = z.object({
  ok: z.array(z.string()),
  failed: z.array(z.object({ id: z.string(), error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }) })),
});
export type SelectorResult = z.infer<typeof SelectorResultSchema>;

export const SessionLifecycleResultSchema = z.union([SessionSchema, SelectorResultSchema]);
export type SessionLifecycleResult = z.infer<typeof SessionLifecycleResultSchema>;

export const SessionGcParamsSchema = z.strictObject({
  /** A duration such as `7d`, `12h`, `30m`, `0s`, measured from `endedAt`. */
  olderThan: z.string().refine((v) => parseDuration(v) !== null, 'must be a duration such as 7d, 12h, 30m or 0s'),
  /** Default: the ended statuses. */
  status: z.array(SessionStatusSchema).min(1, 'must name at least one status').optional(),
});
export type SessionGcParams = z.infer<typeof SessionGcParamsSchema>;

export const SessionGcResultSchema = z.object({ deleted: z.array(z.string()) });
export type SessionGcResult = z.infer<typeof SessionGcResultSchema>;

export const SessionCreateRequest = defineRequest('session/create', SessionCreateParamsSchema, SessionCreateResultSchema);
export const SessionListRequest = defineRequest('session/list', SessionListParamsSchema, SessionListResultSchema);
export const SessionGetRequest = defineRequest('session/get', SessionParamsSchema, SessionSchema);
export const SessionUpdateRequest = defineRequest('session/update', SessionUpdateParamsSchema, SessionSchema);

export const SessionStartRequest = defineRequest('session/start', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionStopRequest = defineRequest('session/stop', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionRestartRequest = defineRequest('session/restart', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionPauseRequest = defineRequest('session/pause', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionResumeRequest = defineRequest('session/resume', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionSuspendRequest = defineRequest('session/suspend', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);
export const SessionDeleteRequest = defineRequest('session/delete', SessionLifecycleParamsSchema, SessionLifecycleResultSchema);

export const SessionGcRequest = defineRequest('session/gc', SessionGcParamsSchema, SessionGcResultSchema);
