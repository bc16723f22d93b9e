/**
 * The data model of sessd's protocol (DESIGN.md, "Data model"), as zod schemas; the
 * types come from them.
 *
 * Conventions, for clients in any language:
 * - Timestamps are ISO 8601 strings in UTC (`2026-11-21T07:39:49.123Z`).
 * - A field that has no value is `null`, never missing, so a client can rely on
 *   every documented field being present.
 * - Maps (`env`, `labels`) are JSON objects of strings.
 *
 * Over 300 lines: it is the protocol's whole data model, field by field, documented
 * densely on purpose (DESIGN.md: contracts are documented, implementations sparingly).
 */
import { z } from 'zod';
import { agent, command, env, identifier, JsonObjectSchema, labels, name, oneLine, TerminalSizeSchema, text } from './fields.js';
import { ResourceLimitsSchema } from './resources.js';

export { JsonObjectSchema, JsonValueSchema, TerminalSizeSchema, type JsonObject, type JsonValue, type TerminalSize } from './fields.js';

/** The lifecycle status of a session. See `SESSION_TRANSITIONS` in the daemon for the rules. */
export const SessionStatusSchema = z.enum(['created', 'running', 'paused', 'suspended', 'stopped', 'exited', 'crashed']);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;
export const SESSION_STATUSES: readonly SessionStatus[] = SessionStatusSchema.options;
/** Statuses in which the session's program is alive. */
export const LIVE_STATUSES: readonly SessionStatus[] = ['running', 'paused'];
/** Statuses in which the session's program has ended (what `session/gc` collects by default). */
export const ENDED_STATUSES: readonly SessionStatus[] = ['stopped', 'exited', 'crashed', 'suspended'];

/** What the program in a running session is doing. `unknown` until a detector has an opinion. */
export const ActivitySchema = z.enum(['busy', 'idle', 'waiting', 'unknown']);
export type Activity = z.infer<typeof ActivitySchema>;
export const ACTIVITIES: readonly Activity[] = ActivitySchema.options;

export const RestartPolicySchema = z.enum(['never', 'on-failure', 'always']);
export type RestartPolicy = z.infer<typeof RestartPolicySchema>;
export const RESTART_POLICIES: readonly RestartPolicy[] = RestartPolicySchema.options;

/** Where a session runs. The tmux backend is the reference implementation. */
export const SessionRuntimeSchema = z.object({
  backend: z.literal('tmux'),
  /** The tmux session name on the private server (equal to the session id). */
  tmuxSession: z.string().nullable(),
  /** The pane id (`%12`) while the tmux session exists; only meaningful to the same tmux server. */
  paneId: z.string().nullable(),
  /** The pid of the pane's own process, which runs the program as its foreground job. */
  panePid: z.number().nullable(),
});
export type SessionRuntime = z.infer<typeof SessionRuntimeSchema>;

/**
 * A git ref as a request names it (a branch, a tag, a commit): one line, no leading
 * `-` (it would read as an option). git itself checks the rest.
 */
const gitRef = oneLine(250).refine((v) => !v.startsWith('-'), 'must not start with "-"');

/**
 * What `session/create` (and a template) asks of a worktree: `true` for the defaults,
 * or `{branch?, base?}`. `branch`: default `sess/<name>`; an existing branch is
 * checked out (when no other worktree has it), a new one is made at `base`. `base`:
 * the commit a new branch starts from; default the HEAD of the session's `cwd`.
 */
export const WorktreeRequestSchema = z.union([z.literal(true), z.strictObject({ branch: gitRef.optional(), base: gitRef.optional() })]);
export type WorktreeRequest = z.infer<typeof WorktreeRequestSchema>;

/** Extension: the git worktree a session owns (`session/create` with `worktree`, `session/fork`). */
export const SessionWorktreeSchema = z.object({
  /** The repository's main working tree (where its `.git` directory is). */
  repo: z.string(),
  /** The worktree's directory, under sessd's worktree root; the session runs in it. */
  path: z.string(),
  /** The branch checked out in it. */
  branch: z.string(),
  /** The commit the session started from: what `session/diff` compares with. */
  baseCommit: z.string(),
  /** Whether sessd made the branch (it deletes such a branch with the worktree when the branch holds no unmerged commit). */
  ownsBranch: z.boolean(),
  /**
   * Only in a `session/delete` reply: why the worktree was kept (it had uncommitted
   * or unmerged work; `force` removes it anyway). Absent when it was removed.
   */
  kept: z.string().optional(),
});
export type SessionWorktree = z.infer<typeof SessionWorktreeSchema>;
/** Extension: the agents whose own conversations sessd knows how to record and resume. */
export const AgentKindSchema = z.enum(['claude', 'codex']);
export type AgentKind = z.infer<typeof AgentKindSchema>;

/**
 * Extension: the conversation of the agent running in a session, as the agent names
 * it (Claude Code's `session_id`, Codex's thread id). A restore or restart resumes it
 * (`claude --resume ID`, `codex resume ID`). `fork`: the conversation is another
 * session's, which this one's next start forks (`claude --resume ID --fork-session`,
 * `codex fork ID`); replaced by the fork's own id once the agent reports it.
 */
export const AgentSessionSchema = z.object({ agent: AgentKindSchema, id: z.string(), fork: z.boolean().optional() });
export type AgentSession = z.infer<typeof AgentSessionSchema>;

export const SessionSchema = z.object({
  /** Short, lowercase, tmux-safe id, e.g. `s7k2m9qv`. Never reused. */
  id: z.string(),
  /** Unique within `space`. */
  name: z.string(),
  space: z.string(),
  status: SessionStatusSchema,
  activity: ActivitySchema,
  /** The program's argv. A session created without a command runs the user's login shell. */
  command: z.array(z.string()),
  cwd: z.string(),
  /** Only the variables set for this session (the rest comes from sessd's environment). */
  env: z.record(z.string(), z.string()),
  template: z.string().nullable(),
  /** The detector profile used for `activity` (`shell`, `claude`, `codex`, `aider`, `generic`, ...). */
  agent: z.string(),
  labels: z.record(z.string(), z.string()),
  taskId: z.string().nullable(),
  agentId: z.string().nullable(),
  sessionType: z.string().nullable(),
  context: JsonObjectSchema,
  restartPolicy: RestartPolicySchema,
  /** How many times the restart policy restarted the program. */
  restarts: z.number(),
  /** The exit status of the last program run; for a program killed by a signal, 128 + the signal number. */
  exitCode: z.number().nullable(),
  /** Extension: the signal that ended the last program run (`SIGKILL`), if a signal did. */
  exitSignal: z.string().nullable(),
  /** The pid of the program (the pane's process) while it runs. */
  pid: z.number().nullable(),
  size: TerminalSizeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  lastCheckpointAt: z.string().nullable(),
  /**
   * Extension: when the restart policy will start the program again (after an exit
   * or a crash, with backoff); null when no restart is pending.
   */
  nextRestartAt: z.string().nullable(),
  /**
   * Extension: what the program's screen says keeps it from working, read by its
   * profile (e.g. "Unable to connect to Anthropic services: Failed to connect to
   * api.anthropic.com: ENOTFOUND", or Claude's API retry line); null or absent when nothing does.
   */
  notice: z.string().nullable().optional(),
  /** Extension: the resource limits its program runs under; absent in records written before limits existed. */
  limits: ResourceLimitsSchema.optional(),
  /** Extension: the git worktree the session runs in; absent for a session without one. */
  worktree: SessionWorktreeSchema.optional(),
  /**
   * Extension: the agent's own conversation, once the agent reported it (through its
   * hooks or notify program); null until then, and for programs that are not agents;
   * absent in records written before it existed.
   */
  agentSession: AgentSessionSchema.nullable().optional(),
  /** Extension: `off` when approval policies are paused for this session (`session/update`); absent: `on`. */
  policy: z.enum(['on', 'off']).optional(),
  runtime: SessionRuntimeSchema,
});
export type Session = z.infer<typeof SessionSchema>;

/** Extension: `cancelled`, a queued message withdrawn by `message/cancel` before it was typed. */
export const MessageStatusSchema = z.enum(['queued', 'delivered', 'failed', 'expired', 'cancelled']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;
export const MESSAGE_STATUSES: readonly MessageStatus[] = MessageStatusSchema.options;

export const MessageSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  text: z.string(),
  /** Whether Enter is pressed after the text. */
  submit: z.boolean(),
  when: z.enum(['now', 'idle']),
  status: MessageStatusSchema,
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  /** When a queued message expires, if it was given `expiresInMs`. */
  expiresAt: z.string().nullable(),
  /** Why delivery failed, for `failed`, `expired` and `cancelled`. */
  error: z.string().nullable(),
});
export type Message = z.infer<typeof MessageSchema>;

export const GitStateSchema = z.object({
  head: z.string(),
  branch: z.string().nullable(),
  dirty: z.boolean(),
});
export type GitState = z.infer<typeof GitStateSchema>;

export const CheckpointSummarySchema = z.object({
  sessionId: z.string(),
  seq: z.number(),
  label: z.string().nullable(),
  createdAt: z.string(),
  /** Byte offset of the session's transcript when the checkpoint was taken. */
  transcriptOffset: z.number(),
  git: GitStateSchema.nullable(),
  /**
   * Extension: the git state of `cwd` (a repository) is still being read: `git` is null
   * until a `checkpoint.updated` event brings it (and the record holds it). A checkpoint
   * whose daemon stopped before that keeps it null.
   */
  gitPending: z.literal(true).optional(),
});
export type CheckpointSummary = z.infer<typeof CheckpointSummarySchema>;

export const CheckpointSchema = CheckpointSummarySchema.extend({
  context: JsonObjectSchema,
  resumePrompt: z.string().nullable(),
  command: z.array(z.string()),
  cwd: z.string(),
  env: z.record(z.string(), z.string()),
  /**
   * The pane's text; omitted from `session/checkpoint` replies. For a checkpoint with a
   * `transcriptRange`, the text of that range (escape sequences dropped, a line
   * rewritten with `\r` in its last state).
   */
  scrollback: z.string().optional(),
  /**
   * Extension: the transcript bytes kept as the checkpoint's scrollback, `from` up to
   * `to` (= `transcriptOffset`, excluded); retention keeps them while the checkpoint
   * exists. Absent in checkpoints that hold their scrollback as text (older ones, and
   * sessions whose output was not captured).
   */
  transcriptRange: z.object({ from: z.number(), to: z.number() }).optional(),
  /** Extension: the agent's conversation when the checkpoint was taken (a restore resumes it); absent in checkpoints written before. */
  agentSession: AgentSessionSchema.nullable().optional(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const InteractionKindSchema = z.enum(['approval', 'question']);
export type InteractionKind = z.infer<typeof InteractionKindSchema>;
export const InteractionStatusSchema = z.enum(['open', 'resolved', 'cancelled']);
export type InteractionStatus = z.infer<typeof InteractionStatusSchema>;
export const INTERACTION_STATUSES: readonly InteractionStatus[] = InteractionStatusSchema.options;

export const InteractionChoiceSchema = z.object({ id: z.string(), label: z.string() });
export type InteractionChoice = z.infer<typeof InteractionChoiceSchema>;

/**
 * Extension: what an approval is about, as the agent's own hook tells it (Claude Code's
 * PermissionRequest: the tool and its whole input) or as the program shows it (`Bash`
 * for Claude Code's "Bash command", `shell` for Codex's `$ command`, with the
 * program's `description` or `reason`).
 */
export const InteractionDetailSchema = z.object({
  /** The tool to be run (`Bash`, `shell`), when known. */
  tool: z.string().nullable(),
  /** The command line, for a shell tool (or the tool's first detail row on screen). */
  command: z.string().nullable().optional(),
  /** What the program says the tool call is for. */
  description: z.string().optional(),
  reason: z.string().optional(),
  /** The tool's input as the agent gave it (from its hook). */
  input: JsonObjectSchema.nullable().optional(),
  /** Where it was read: the agent's own hook, or the screen. */
  source: z.enum(['hook', 'screen']).optional(),
});
export type InteractionDetail = z.infer<typeof InteractionDetailSchema>;

export const InteractionSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  kind: InteractionKindSchema,
  /** The question's text as shown on screen. */
  prompt: z.string(),
  /** In screen order; empty for a free-text question. */
  choices: z.array(InteractionChoiceSchema),
  /** Extension: what is to be approved, when the hook or the screen says (null or absent otherwise; absent in older records). */
  detail: InteractionDetailSchema.nullable().optional(),
  status: InteractionStatusSchema,
  /** The answer given: a choice id or text. */
  response: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

/**
 * Session defaults by name; every field is optional and overrides the layers below it.
 * The same schema checks `template/set`: numbers only, absolute paths only (the config
 * file's templates, which take `~/` and `4G`, are checked by the daemon's config schema).
 */
export const TemplateSchema = z.strictObject({
  name: identifier,
  command: command.optional(),
  cwd: text.pipe(z.string().startsWith('/', 'must be an absolute path')).optional(),
  env: env.optional(),
  agent: agent.optional(),
  labels: labels.optional(),
  restartPolicy: RestartPolicySchema.optional(),
  size: TerminalSizeSchema.optional(),
  space: name.optional(),
  sessionType: identifier.optional(),
  context: JsonObjectSchema.optional(),
  /** Extension: resource limits of the session's program (see resources.ts). */
  limits: ResourceLimitsSchema.optional(),
  /** Extension: run each session of this template in a worktree of its own (see `session/create`). */
  worktree: WorktreeRequestSchema.optional(),
});
export type Template = z.infer<typeof TemplateSchema>;

export const EventTypeSchema = z.enum([
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
  'checkpoint.updated',
  'interaction.opened',
  'interaction.resolved',
  'interaction.decided',
  'transcript.gap',
]);
export type EventType = z.infer<typeof EventTypeSchema>;
export const EVENT_TYPES: readonly EventType[] = EventTypeSchema.options;

/**
 * A durable event. `seq` is global and increases by one per event; a write the store
 * refused may leave a gap, never a repeat.
 *
 * `data` by type:
 * - `session.created`: the Session.
 * - `session.status`: `{status, previous, exitCode?, reason?}`.
 * - `session.activity`: `{activity, previous, notice?, source?}` (`notice`: the session's notice when it changed with this reading; `source: "hook"` when the agent's own hook told it, else read from the screen).
 * - `session.updated`: `{labels, context, name, restartPolicy, policy}` as they are after the update; `{agentSession}` alone when the agent reported its conversation.
 * - `session.exited`: `{exitCode, exitSignal}`.
 * - `session.deleted`: `{name, space}`.
 * - `message.*`: the Message. `message.failed` also reports an `expired` or `cancelled` one (its status says which).
 * - `checkpoint.created`: the CheckpointSummary.
 * - `checkpoint.updated` (extension): the CheckpointSummary, once the git state a
 *   checkpoint was written without (`gitPending`) is in.
 * - `interaction.opened`, `interaction.resolved`: the Interaction.
 * - `interaction.decided` (extension): the AuditEntry (policy.ts) of a decision on an
 *   approval or question, a rule's or a person's (`ask` included: left to a person).
 * - `transcript.gap` (extension): `{at, bytes, reason}`: output of the session was lost
 *   at byte offset `at` of its transcript (`bytes` null: an unknown amount; `reason`:
 *   see GapReasonSchema). Marked in the transcript too.
 */
export const SessdEventSchema = z.object({
  seq: z.number(),
  time: z.string(),
  type: EventTypeSchema,
  sessionId: z.string().nullable(),
  data: JsonObjectSchema,
});
export type SessdEvent = z.infer<typeof SessdEventSchema>;
