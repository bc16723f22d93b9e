import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../duration.js';

/**
 * The config file (DESIGN.md, "Paths and configuration"). Top-level keys:
 * `defaults`, `spaces`, `templates`, `agents`, `limits`, `log`. This daemon reads
 * `limits` and `log`; the other sections are accepted (and checked to be objects)
 * so that a file written for a fuller sessd loads here too.
 */
export interface LimitsConfig {
  /** Sessions kept at once (live and ended). */
  sessions: number;
  /** Largest JSON-RPC frame body read from a client. */
  frameBytes: number;
  /** Largest `session/send` text. */
  messageBytes: number;
  /** Events kept in the log before the oldest are pruned. */
  events: number;
  /** Unread output queued for one client before it is disconnected. */
  clientBufferBytes: number;
  /** How long one tmux command may take before the request fails with `timeout`. */
  tmuxTimeoutMs: number;
  /** Transcript bytes kept per session. */
  transcriptBytes: number;
  /** How long transcript output is kept. */
  transcriptAgeMs: number;
  /** Checkpoints kept per session (the oldest go first). */
  checkpoints: number;
  /** The restart policy's first delay; each quick failure doubles it. */
  restartDelayMs: number;
  /** The longest delay between restarts; a program that ran this long starts the doubling over. */
  restartMaxDelayMs: number;
  /** Quick failures in a row after which the restart policy gives up. */
  restartLimit: number;
  /** How long an attached client may go without reading its output before it is detached. */
  attachStallMs: number;
}

export interface SessdConfig {
  limits: LimitsConfig;
  /** Agent profiles (checked by daemon/activity/profiles.ts). */
  agents?: Record<string, unknown> | undefined;
  log: { level?: string | undefined };
}

export const DEFAULT_LIMITS: LimitsConfig = {
  sessions: 10_000,
  frameBytes: 4 * 1024 * 1024,
  messageBytes: 1024 * 1024,
  events: 100_000,
  clientBufferBytes: 64 * 1024 * 1024,
  tmuxTimeoutMs: 10_000,
  transcriptBytes: 64 * 1024 * 1024,
  transcriptAgeMs: 7 * 86_400_000,
  checkpoints: 20,
  restartDelayMs: 1_000,
  restartMaxDelayMs: 300_000,
  restartLimit: 10,
  attachStallMs: 30_000,
};

const duration = z
  .string()
  .refine((v) => parseDuration(v) !== null, 'a duration such as 7d, 12h, 30m or 500ms')
  .optional();

/** Limits written as durations in the file, and the field each sets. */
const DURATIONS = {
  transcriptAge: 'transcriptAgeMs',
  restartDelay: 'restartDelayMs',
  restartMaxDelay: 'restartMaxDelayMs',
  attachStall: 'attachStallMs',
} as const;

const section = z.record(z.string(), z.unknown()).optional();
const schema = z.strictObject({
  defaults: section,
  spaces: section,
  templates: section,
  agents: section,
  limits: z
    .strictObject({
      sessions: z.number().int().min(1).max(1_000_000).optional(),
      frameBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
      messageBytes: z.number().int().min(1).max(256 * 1024 * 1024).optional(),
      events: z.number().int().min(100).max(100_000_000).optional(),
      clientBufferBytes: z.number().int().min(64 * 1024).optional(),
      tmuxTimeoutMs: z.number().int().min(100).max(600_000).optional(),
      transcriptBytes: z.number().int().min(64 * 1024).optional(),
      transcriptAge: duration,
      checkpoints: z.number().int().min(1).max(1000).optional(),
      restartDelay: duration,
      restartMaxDelay: duration,
      restartLimit: z.number().int().min(1).max(1_000_000).optional(),
      attachStall: duration,
    })
    .optional(),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional() }).optional(),
});

export interface LoadedConfig {
  file: string | null;
  config: SessdConfig;
  error: string | null;
}

/** Loads the first existing candidate. A broken file yields the defaults and the reason. */
export async function loadConfig(candidates: readonly string[], explicit: boolean): Promise<LoadedConfig> {
  const defaults: SessdConfig = { limits: { ...DEFAULT_LIMITS }, log: {} };
  for (const file of candidates) {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) continue;
      return { file, config: defaults, error: `cannot read ${file}: ${(error as Error).message}` };
    }
    try {
      const value: unknown = file.endsWith('.json') ? JSON.parse(raw) : parseYaml(raw);
      const parsed = schema.safeParse(value ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = [...issue.path, ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]] : [])].join('.');
        return { file, config: defaults, error: `${file}: ${field || 'top level'}: ${issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message}` };
      }
      const { transcriptAge, restartDelay, restartMaxDelay, attachStall, ...limits } = parsed.data.limits ?? {};
      const durations: Partial<LimitsConfig> = {};
      for (const [key, value] of Object.entries({ transcriptAge, restartDelay, restartMaxDelay, attachStall })) {
        if (value !== undefined) durations[DURATIONS[key as keyof typeof DURATIONS]] = parseDuration(value)!;
      }
      return {
        file,
        config: {
          limits: { ...DEFAULT_LIMITS, ...stripUndefined(limits), ...durations },
          log: parsed.data.log ?? {},
          agents: parsed.data.agents,
        },
        error: null,
      };
    } catch (error) {
      return { file, config: defaults, error: `${file}: ${(error as Error).message}` };
    }
  }
  return { file: null, config: defaults, error: null };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
