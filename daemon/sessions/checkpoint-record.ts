import { z } from 'zod';
import type { Checkpoint, CheckpointSummary } from '../../shared/protocol/model.js';
import type { ByteRange } from '../transcripts/retention.js';

/**
 * A checkpoint as stored in the store's `checkpoints` database, and its reply forms.
 * Records written before transcript ranges hold their scrollback as text; they stay
 * valid (no migration: `transcriptRange` and `gitPending` are optional fields).
 */

const text = z.string().refine((v) => !v.includes('\u0000'));

/** What a stored checkpoint must be to be used; anything else is unreadable, never restored. */
const checkpointSchema = z.strictObject({
  sessionId: z.string().min(1),
  seq: z.number().int().min(1),
  label: text.nullable(),
  createdAt: z.string().refine((v) => !Number.isNaN(Date.parse(v))),
  transcriptOffset: z.number().int().min(0),
  git: z.strictObject({ head: z.string().regex(/^[0-9a-f]{40,64}$/), branch: text.nullable(), dirty: z.boolean() }).nullable(),
  gitPending: z.literal(true).optional(),
  context: z.record(z.string(), z.json()),
  resumePrompt: text.nullable(),
  command: z.array(text).min(1).refine((argv) => argv[0] !== ''),
  cwd: text.refine((v) => v.startsWith('/')),
  env: z.record(z.string(), text),
  /** Checkpoints before transcript ranges, and of sessions without a transcript, hold their scrollback as text. */
  scrollback: z.string().optional(),
  transcriptRange: z.strictObject({ from: z.number().int().min(0), to: z.number().int().min(0) }).refine((r) => r.from <= r.to).optional(),
  agentSession: z.strictObject({ agent: z.enum(['claude', 'codex']), id: text.min(1), fork: z.boolean().optional() }).nullable().optional(),
}).refine((c) => (c.scrollback === undefined) !== (c.transcriptRange === undefined), { message: 'needs its scrollback as text or as a transcript range, one of them' });

/** A checkpoint as stored: its scrollback as text, or as a range of its session's transcript. */
export type StoredCheckpoint = Checkpoint & ({ scrollback: string; transcriptRange?: undefined } | { scrollback?: undefined; transcriptRange: ByteRange });

/** A checkpoint as stored, or why it cannot be used. */
export function parseCheckpoint(value: unknown): { ok: true; checkpoint: StoredCheckpoint } | { ok: false; reason: string } {
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ') };
  return { ok: true, checkpoint: parsed.data as StoredCheckpoint };
}

export function summary(c: Checkpoint): CheckpointSummary {
  return { sessionId: c.sessionId, seq: c.seq, label: c.label, createdAt: c.createdAt, transcriptOffset: c.transcriptOffset, git: c.git, ...(c.gitPending === true ? { gitPending: true } : {}) };
}

/** The reply form: everything but the scrollback. */
export function withoutScrollback(c: StoredCheckpoint): Checkpoint {
  const { scrollback: _omitted, ...rest } = c;
  return rest;
}
