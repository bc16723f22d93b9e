import { z } from 'zod';
import type { Template } from '../../shared/protocol/model.js';
import { buildProfiles } from '../activity/profiles.js';
import { parseDuration } from '../../shared/duration.js';
import { agent, command, env, identifier, JsonObjectSchema as jsonObject, labels, name, TerminalSizeSchema as size, text } from '../../shared/protocol/fields.js';
import { RestartPolicySchema as restartPolicy, WorktreeRequestSchema } from '../../shared/protocol/model.js';
import { resourceLimits } from '../../shared/protocol/resources.js';
import { HostsSchema } from '../../shared/hosts-schema.js';
import { policiesSchema } from './policies.js';
import { notifySchema } from '../notify/schema.js';

/**
 * The config file's schema (DESIGN.md, "Paths and configuration"):
 *
 * ```yaml
 * defaults:            # session defaults, over sessd's built-in ones
 *   cwd: ~/src
 *   env: {EDITOR: vim}
 * spaces:              # per-space overrides, over `defaults`
 *   work: {labels: {team: web}, limits: {memoryMax: 4G}}
 * templates:           # by name, over the space; a request's own fields win over them
 *   claude: {command: [claude], agent: claude, restartPolicy: on-failure, space: agents}
 * agents: {}           # detector profiles by name (objects; read by the activity detectors)
 * limits: {sessions: 10000, transcriptAge: 7d, ...}
 * log: {level: info, file: ~/.local/state/sessd/sessd.log, maxBytes: 10M, files: 5}
 * worktrees: {dir: ~/.local/state/sessd/worktrees}   # where `worktree` sessions' git worktrees go
 * tmux: {userConfig: true}  # read ~/.tmux.conf (or ~/.config/tmux/tmux.conf) first; false: no; or a path
 * ```
 *
 * A session layer (`defaults`, a space, a template) takes the fields of
 * `session/create` that describe a session: `command` (argv), `cwd` (absolute or
 * `~/...`), `env`, `agent`, `labels`, `restartPolicy`, `size` (`{cols, rows}` or
 * `"120x40"`), `sessionType`, `context`, `limits`. Sizes in bytes take a number or
 * `512M`/`4G`-style text.
 */

/** A layer of session defaults as resolved (cwd expanded, sizes in bytes): a template's fields but its name and space. */
export type SessionLayer = Omit<Template, 'name' | 'space'>;

const BYTE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `4096`, `"512K"`, `"4G"` (powers of 1024; a trailing `B`/`iB` is allowed) in bytes, or null. */
export function parseBytes(value: number | string): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  const m = /^(\d+)\s*([KMGT]?)(i?B)?$/i.exec(value.trim());
  if (m === null) return null;
  const bytes = Number(m[1]) * BYTE_UNITS[m[2]!.toUpperCase()]!;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

const bytes = z
  .union([z.number(), z.string()])
  .refine((v) => parseBytes(v) !== null, 'a size in bytes such as 1048576, 512M or 4G')
  .transform((v) => parseBytes(v)!);

/** `~/x` is the user's home; anything else must be absolute. */
function homePath(home: string) {
  return text
    .refine((v) => v.startsWith('/') || v === '~' || v.startsWith('~/'), 'must be an absolute path or start with ~/')
    .transform((v) => (v === '~' ? home : v.startsWith('~/') ? `${home}/${v.slice(2)}` : v));
}

const sizeText = z
  .string()
  .regex(/^\d+x\d+$/, 'COLSxROWS, such as 120x40')
  .transform((v) => {
    const [cols, rows] = v.split('x').map(Number);
    return { cols: cols!, rows: rows! };
  })
  .pipe(size);

function layerShape(home: string) {
  return {
    command: command.optional(),
    cwd: homePath(home).optional(),
    env: env.optional(),
    agent: agent.optional(),
    labels: labels.optional(),
    restartPolicy: restartPolicy.optional(),
    size: z.union([size, sizeText]).optional(),
    sessionType: identifier.optional(),
    context: jsonObject.optional(),
    limits: resourceLimits(bytes).optional(),
  };
}

const duration = z.string().refine((v) => parseDuration(v) !== null, 'a duration such as 7d, 12h, 30m or 500ms');

const limits = z.strictObject({
  sessions: z.number().int().min(1).max(1_000_000).optional(),
  frameBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
  messageBytes: z.number().int().min(1).max(256 * 1024 * 1024).optional(),
  events: z.number().int().min(100).max(100_000_000).optional(),
  clientBufferBytes: z.number().int().min(64 * 1024).optional(),
  tmuxTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  transcriptBytes: z.number().int().min(64 * 1024).optional(),
  transcriptAge: duration.optional(),
  transcriptTotalBytes: z.number().int().min(64 * 1024).optional(),
  checkpoints: z.number().int().min(1).max(1000).optional(),
  restartDelay: duration.optional(),
  restartMaxDelay: duration.optional(),
  attachStall: duration.optional(),
  backupInterval: duration.optional(),
  connections: z.number().int().min(1).max(100_000).optional(),
  contextBytes: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
  labels: z.number().int().min(1).max(100_000).optional(),
  queuedMessages: z.number().int().min(1).max(10_000_000).optional(),
  headerTime: duration.optional(),
  restartLimit: z.number().int().min(1).max(1_000_000).optional(),
});

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** The whole file; `home` expands `~/` in paths. */
export function configSchema(home: string) {
  const layer = z.strictObject(layerShape(home));
  const template = z.strictObject({ ...layerShape(home), space: name.optional(), worktree: WorktreeRequestSchema.optional() });
  return z.strictObject({
    defaults: layer.optional(),
    spaces: z.record(name, layer).optional(),
    templates: z.record(identifier, template).optional(),
    // Agent profiles: checked as the activity tracker reads them, so a bad one refuses the file.
    agents: z
      .record(agent, z.record(z.string(), z.unknown()))
      .optional()
      .superRefine((agents, ctx) => {
        const built = buildProfiles(agents);
        if ('problem' in built) ctx.addIssue({ code: 'custom', path: built.problem.path.slice(1), message: built.problem.message });
      }),
    limits: limits.optional(),
    log: z
      .strictObject({
        level: z.enum(LOG_LEVELS).optional(),
        file: homePath(home).optional(),
        maxBytes: bytes.optional(),
        files: z.number().int().min(1).max(100).optional(),
      })
      .optional(),
    /** Where sessions' git worktrees are made: `<dir>/<repo>-<hash>/<session>`; never inside a repository's working tree. */
    worktrees: z.strictObject({ dir: homePath(home).optional() }).optional(),
    /** Remote machines for `sess --host NAME` (shared/hosts-schema.ts); read by the client, checked here. */
    hosts: HostsSchema.optional(),
    /**
     * `userConfig`: whether sessd's tmux server reads the user's own tmux config (true,
     * the default: ~/.tmux.conf or ~/.config/tmux/tmux.conf, as tmux finds it), none
     * (false), or this file. Read when the tmux server starts.
     */
    tmux: z.strictObject({ userConfig: z.union([z.boolean(), homePath(home)]).optional() }).optional(),
    /** Approval policies (policies.ts). */
    policies: policiesSchema.optional(),
    /** Notification rules: daemon/notify/schema.ts. */
    notify: notifySchema.optional(),
  });
}

export type ParsedConfig = z.output<ReturnType<typeof configSchema>>;
