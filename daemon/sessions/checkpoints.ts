import type { Database } from 'lmdb';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SessionCheckpointParams } from '../../shared/protocol/checkpoint.js';
import type { Checkpoint, CheckpointSummary, JsonObject, Session } from '../../shared/protocol/model.js';
import { BackendSessionMissing, type SessionBackend } from '../backend/backend.js';
import { errors, sessdError } from '../errors.js';
import { gitState } from '../git.js';
import type { TranscriptService } from '../transcripts/service.js';
import type { Committer } from './commit.js';
import { backendError } from './helpers.js';
import type { KeyedLock } from './lock.js';
import type { SessionRegistry } from './registry.js';
import { toJson } from './create.js';
import { mergePatch } from './merge-patch.js';

/** Saved scrollback is cut to its last this-many bytes (whole lines). */
export const SCROLLBACK_MAX_BYTES = 8 * 1024 * 1024;

const text = z.string().refine((v) => !v.includes('\u0000'));

/** What a stored checkpoint must be to be used; anything else is unreadable, never restored. */
const checkpointSchema = z.strictObject({
  sessionId: z.string().min(1),
  seq: z.number().int().min(1),
  label: text.nullable(),
  createdAt: z.string().refine((v) => !Number.isNaN(Date.parse(v))),
  transcriptOffset: z.number().int().min(0),
  git: z.strictObject({ head: z.string().regex(/^[0-9a-f]{40,64}$/), branch: text.nullable(), dirty: z.boolean() }).nullable(),
  context: z.record(z.string(), z.json()),
  resumePrompt: text.nullable(),
  command: z.array(text).min(1).refine((argv) => argv[0] !== ''),
  cwd: text.refine((v) => v.startsWith('/')),
  env: z.record(z.string(), text),
  scrollback: z.string(),
  agentSession: z.strictObject({ agent: z.enum(['claude', 'codex']), id: text.min(1), fork: z.boolean().optional() }).nullable().optional(),
});

export type StoredCheckpoint = Checkpoint & { scrollback: string };

/** A checkpoint as stored, or why it cannot be used. */
export function parseCheckpoint(value: unknown): { ok: true; checkpoint: StoredCheckpoint } | { ok: false; reason: string } {
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ') };
  return { ok: true, checkpoint: parsed.data };
}

export function summary(c: Checkpoint): CheckpointSummary {
  return { sessionId: c.sessionId, seq: c.seq, label: c.label, createdAt: c.createdAt, transcriptOffset: c.transcriptOffset, git: c.git };
}

/** The reply form: everything but the scrollback. */
export function withoutScrollback(c: StoredCheckpoint): Checkpoint {
  const { scrollback: _omitted, ...rest } = c;
  return rest;
}

/** The last `max` bytes of `text`, from a line start. */
function tail(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const bytes = Buffer.from(text);
  const cut = bytes.subarray(bytes.length - max).toString('utf8');
  const nl = cut.indexOf('\n');
  return nl === -1 ? cut : cut.slice(nl + 1);
}

/** What a checkpoint is taken from and written with. */
export interface CheckpointDeps {
  registry: SessionRegistry;
  committer: Committer;
  backend: SessionBackend;
  transcripts: Pick<TranscriptService, 'end'>;
  locks: KeyedLock;
}

/**
 * `session/checkpoint`, `checkpoint/list`, `checkpoint/get`. A checkpoint is built
 * whole, validated, and written with the session's `lastCheckpointAt` and its event
 * in one synced transaction, under a new sequence number: it never replaces an
 * earlier one, and the oldest are dropped (beyond the bound) only in the transaction
 * that adds a valid new one.
 */
export class CheckpointService {
  constructor(
    private readonly deps: CheckpointDeps,
    private readonly stored: Database<unknown, [string, number]>,
    private readonly maxGenerations: number,
    private readonly log: Logger,
  ) {}

  async create(session: Session, params: Omit<SessionCheckpointParams, 'session'>): Promise<StoredCheckpoint> {
    return this.deps.locks.run(session.id, async () => {
      const current = this.deps.registry.get(session.id);
      if (current === undefined) throw errors.sessionNotFound(session.id);
      return this.write(current, params);
    });
  }

  /** Writes a checkpoint of `current`; the caller holds the session's lock. */
  async write(current: Session, params: Omit<SessionCheckpointParams, 'session'>): Promise<StoredCheckpoint> {
    if (current.runtime.tmuxSession === null) {
      throw errors.invalidState(current, 'checkpoint', 'it has no screen to save (start or restore it first)');
    }
    // The screen and its history: a capture that fails refuses the checkpoint, it is never saved empty.
    const [screen, git] = await Promise.all([
      this.deps.backend.capture(current.id, { history: true }).catch((error: unknown) => {
        if (error instanceof BackendSessionMissing) throw errors.invalidState(current, 'checkpoint', 'its tmux session is gone');
        throw backendError(error, current, 'checkpoint');
      }),
      gitState(current.cwd),
    ]);
    const existing = this.keys(current.id);
    const checkpoint: StoredCheckpoint = {
      sessionId: current.id,
      seq: (existing.at(-1) ?? 0) + 1,
      label: params.label ?? null,
      createdAt: new Date().toISOString(),
      transcriptOffset: this.deps.transcripts.end(current.id),
      git,
      context: mergePatch(current.context, params.context ?? {}) as JsonObject,
      resumePrompt: params.resumePrompt ?? null,
      command: current.command,
      cwd: current.cwd,
      env: current.env,
      scrollback: tail(screen.text, SCROLLBACK_MAX_BYTES),
      agentSession: current.agentSession ?? null,
    };
    const valid = parseCheckpoint(checkpoint);
    if (!valid.ok) throw sessdError('storage_error', `checkpoint refused: ${valid.reason}`, { reason: valid.reason });
    const drop = existing.slice(0, Math.max(0, existing.length + 1 - this.maxGenerations)).map((seq): [string, number] => [current.id, seq]);
    const next: Session = { ...current, lastCheckpointAt: checkpoint.createdAt, updatedAt: checkpoint.createdAt };
    await this.deps.committer.commit({
      put: [next],
      checkpoints: [checkpoint],
      removeCheckpoints: drop,
      events: [{ type: 'checkpoint.created', sessionId: current.id, data: toJson(summary(checkpoint)) }],
    });
    return checkpoint;
  }

  /** Valid checkpoints, oldest first, and the sequence numbers of unreadable ones. */
  list(sessionId: string): { checkpoints: StoredCheckpoint[]; unreadable: number[] } {
    const checkpoints: StoredCheckpoint[] = [];
    const unreadable: number[] = [];
    for (const { key, value } of this.stored.getRange({ start: [sessionId, 0], end: [sessionId, Number.MAX_SAFE_INTEGER] })) {
      const parsed = this.read(key, value);
      if (parsed === null) unreadable.push(key[1]);
      else checkpoints.push(parsed);
    }
    return { checkpoints, unreadable };
  }

  /** One checkpoint, or the latest valid one; `checkpoint_not_found` otherwise. */
  get(session: Session, seq?: number): StoredCheckpoint {
    if (seq === undefined) {
      const latest = this.latest(session.id);
      if (latest === null) throw notFound(session, null, 'it has no checkpoint');
      return latest;
    }
    const key: [string, number] = [session.id, seq];
    const value = this.stored.get(key);
    if (value === undefined) throw notFound(session, seq, `it has no checkpoint ${seq}`);
    const parsed = this.read(key, value);
    if (parsed === null) throw notFound(session, seq, `checkpoint ${seq} is damaged and cannot be used`);
    return parsed;
  }

  /** The newest checkpoint that reads back valid, or null. */
  latest(sessionId: string): StoredCheckpoint | null {
    for (const { key, value } of this.stored.getRange({ start: [sessionId, Number.MAX_SAFE_INTEGER], end: [sessionId, 0], reverse: true })) {
      const parsed = this.read(key, value);
      if (parsed !== null) return parsed;
    }
    return null;
  }

  private keys(sessionId: string): number[] {
    return [...this.stored.getKeys({ start: [sessionId, 0], end: [sessionId, Number.MAX_SAFE_INTEGER] })].map((k) => k[1]);
  }

  private read(key: [string, number], value: unknown): StoredCheckpoint | null {
    const parsed = parseCheckpoint(value);
    if (parsed.ok && parsed.checkpoint.sessionId === key[0] && parsed.checkpoint.seq === key[1]) return parsed.checkpoint;
    this.log.warn({ session: key[0], seq: key[1], reason: parsed.ok ? 'stored under another key' : parsed.reason }, 'unreadable checkpoint skipped');
    return null;
  }
}

function notFound(session: Session, seq: number | null, why: string): ReturnType<typeof sessdError> {
  return sessdError('checkpoint_not_found', `no checkpoint to use for ${session.space}/${session.name}: ${why}`, { session: session.id, seq });
}
