import type { Database } from 'lmdb';
import type { Logger } from 'pino';
import type { SessionCheckpointParams } from '../../shared/protocol/checkpoint.js';
import type { Checkpoint, GitState, JsonObject, Session } from '../../shared/protocol/model.js';
import { BackendSessionMissing, type SessionBackend } from '../backend/backend.js';
import { errors, sessdError } from '../errors.js';
import { gitState, inRepository } from '../git.js';
import type { ByteRange } from '../transcripts/retention.js';
import type { TranscriptService } from '../transcripts/service.js';
import { CheckpointRanges } from './checkpoint-ranges.js';
import { parseCheckpoint, summary, type StoredCheckpoint } from './checkpoint-record.js';
import type { Committer } from './commit.js';
import { backendError } from './helpers.js';
import type { KeyedLock } from './lock.js';
import type { SessionRegistry } from './registry.js';
import { toJson } from './create.js';
import { mergePatch } from './merge-patch.js';
import { fromLineStart, SCROLLBACK_MAX_BYTES, scrollbackText, tail } from './scrollback.js';

export { SCROLLBACK_MAX_BYTES } from './scrollback.js';
export { parseCheckpoint, summary, withoutScrollback, type StoredCheckpoint } from './checkpoint-record.js';

/** What a restore shows of a checkpoint's scrollback (see `CheckpointService.scrollback`). */
export type SavedScrollback = { kind: 'text'; text: string } | { kind: 'output'; bytes: Buffer } | { kind: 'lost'; why: string };

/** Seqs of sessions deleted since are forgotten once this many more are held than sessions exist. */
const SEQS_SLACK = 256;

/** What a checkpoint is taken from and written with. */
export interface CheckpointDeps {
  registry: SessionRegistry;
  committer: Committer;
  backend: SessionBackend;
  transcripts: Pick<TranscriptService, 'kept' | 'readKept'>;
  locks: KeyedLock;
}

/**
 * `session/checkpoint`, `checkpoint/list`, `checkpoint/get`. A checkpoint is built
 * whole, validated, and written with the session's `lastCheckpointAt` and its event
 * in one synced transaction, under a new sequence number: it never replaces an
 * earlier one, and the oldest are dropped (beyond the bound) only in the transaction
 * that adds a valid new one.
 *
 * Its scrollback is a reference: the range of the session's transcript up to its end
 * (at most SCROLLBACK_MAX_BYTES), which retention then keeps (CheckpointRanges), not a
 * capture of the pane. A session with nothing in its transcript (output not captured)
 * has its pane's text captured instead, as before ranges.
 *
 * Its git state is read after the reply: HEAD and the index could be watched, but
 * `dirty` changes with every edit of a tracked file, which touches neither, and a
 * watch of whole work trees is not bounded. So a checkpoint in a repository is written
 * with `git: null, gitPending: true`; `git status` starts right after the reply (it
 * sees the tree as it is then: an edit made while it runs, tens of ms in a large
 * tree, may or may not count), and its result is committed to the record in a second
 * transaction with a `checkpoint.updated` event.
 */
export class CheckpointService {
  /** The transcript ranges checkpoints keep: the transcripts' retention asks (`retained`). */
  private readonly ranges: CheckpointRanges;
  /** Git states being read and written after their checkpoint's reply. */
  private readonly filling = new Set<Promise<void>>();
  /**
   * Each session's checkpoint seqs (`keys`): only `write` adds or drops checkpoints of
   * a session that exists, so they are read once (a read after a commit costs a
   * checkpoint's reply a fifth of a millisecond).
   */
  private readonly seqs = new Map<string, number[]>();
  /** The git state being read for a checkpoint, by `session seq`. */
  private readonly reading = new Map<string, Promise<GitState | null>>();

  constructor(
    private readonly deps: CheckpointDeps,
    private readonly stored: Database<unknown, [string, number]>,
    private readonly maxGenerations: number,
    private readonly log: Logger,
  ) {
    this.ranges = new CheckpointRanges(stored);
  }

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
    const kept = this.deps.transcripts.kept(current.id);
    const range: ByteRange | null = kept.to > kept.from ? { from: Math.max(kept.from, kept.to - SCROLLBACK_MAX_BYTES), to: kept.to } : null;
    // Nothing in the transcript (capture off): the screen and its history are captured;
    // a capture that fails refuses the checkpoint, it is never saved empty.
    const screen = range === null ? await this.capture(current) : null;
    const repository = inRepository(current.cwd);
    const existing = this.keys(current.id);
    const checkpoint: StoredCheckpoint = {
      sessionId: current.id,
      seq: (existing.at(-1) ?? 0) + 1,
      label: params.label ?? null,
      createdAt: new Date().toISOString(),
      transcriptOffset: kept.to,
      git: null,
      ...(repository ? { gitPending: true as const } : {}),
      context: mergePatch(current.context, params.context ?? {}) as JsonObject,
      resumePrompt: params.resumePrompt ?? null,
      command: current.command,
      cwd: current.cwd,
      env: current.env,
      ...(range === null ? { scrollback: tail(screen ?? '', SCROLLBACK_MAX_BYTES) } : { transcriptRange: range }),
      agentSession: current.agentSession ?? null,
    };
    const valid = parseCheckpoint(checkpoint);
    if (!valid.ok) throw sessdError('storage_error', `checkpoint refused: ${valid.reason}`, { reason: valid.reason });
    const drop = existing.slice(0, Math.max(0, existing.length + 1 - this.maxGenerations)).map((seq): [string, number] => [current.id, seq]);
    const next: Session = { ...current, lastCheckpointAt: checkpoint.createdAt, updatedAt: checkpoint.createdAt };
    const release = range === null ? () => undefined : this.ranges.hold(current.id, range);
    try {
      await this.deps.committer.commit({
        put: [next],
        checkpoints: [checkpoint],
        removeCheckpoints: drop,
        events: [{ type: 'checkpoint.created', sessionId: current.id, data: toJson(summary(checkpoint)) }],
      });
    } finally {
      release();
    }
    this.seqs.set(current.id, [...existing.slice(drop.length), checkpoint.seq]);
    this.forgetGone();
    if (repository) this.fillGit(checkpoint);
    return checkpoint;
  }

  /** The transcript ranges `session`'s checkpoints keep (for the transcripts' retention). */
  retained(session: string): ByteRange[] {
    return this.ranges.of(session);
  }

  /**
   * A checkpoint's scrollback as a restore shows it: its text (older checkpoints), or
   * the output of its transcript range, to be played again; when that range is no
   * longer there (the transcripts' store was lost or damaged), why.
   */
  scrollback(c: StoredCheckpoint): SavedScrollback {
    if (c.scrollback !== undefined) return { kind: 'text', text: c.scrollback };
    // After an OS crash the transcript may end before the range does (its last ~200 ms
    // were not synced, README "Durability"): what is left of the range is shown.
    const range = { from: c.transcriptRange.from, to: Math.min(c.transcriptRange.to, this.deps.transcripts.kept(c.sessionId).to) };
    const bytes = this.deps.transcripts.readKept(c.sessionId, range);
    if (bytes === null) return { kind: 'lost', why: 'its saved output is no longer in the transcript' };
    return { kind: 'output', bytes: fromLineStart(bytes, c.transcriptRange.from > 0) };
  }

  /** The reply form of `checkpoint/get`: the checkpoint with its scrollback as text. */
  withText(c: StoredCheckpoint): Checkpoint {
    if (c.scrollback !== undefined) return c;
    const saved = this.scrollback(c);
    return { ...c, scrollback: saved.kind === 'output' ? scrollbackText(saved.bytes) : '' };
  }

  /**
   * One checkpoint as `get` finds it, with its git state once read when it is still
   * being read (`session/fork` from a checkpoint needs it; the record may be a moment behind).
   */
  async settled(session: Session, seq?: number): Promise<StoredCheckpoint> {
    const c = this.get(session, seq);
    const reading = c.gitPending === true ? this.reading.get(`${c.sessionId} ${c.seq}`) : undefined;
    if (reading === undefined) return c;
    const { gitPending: _read, ...rest } = c;
    return { ...rest, git: await reading };
  }

  /** Resolves once every git state being read is written (at shutdown, and for tests). */
  async idle(): Promise<void> {
    while (this.filling.size > 0) await Promise.all(this.filling);
  }

  private async capture(current: Session): Promise<string> {
    const screen = await this.deps.backend.capture(current.id, { history: true }).catch((error: unknown) => {
      if (error instanceof BackendSessionMissing) throw errors.invalidState(current, 'checkpoint', 'its tmux session is gone');
      throw backendError(error, current, 'checkpoint');
    });
    return screen.text;
  }

  /**
   * Writes the git state to the checkpoint once read, under the session's lock (so no
   * checkpoint write or delete runs meanwhile), unless the checkpoint is gone by then.
   */
  private fillGit(checkpoint: StoredCheckpoint): void {
    const key: [string, number] = [checkpoint.sessionId, checkpoint.seq];
    const name = `${checkpoint.sessionId} ${checkpoint.seq}`;
    // Started once the reply is on its way: forking git, and git's own work (threads
    // reading the whole tree), would otherwise hold up the commit and the reply on two cores.
    const reading = new Promise<GitState | null>((resolve) => setImmediate(() => resolve(gitState(checkpoint.cwd))));
    this.reading.set(name, reading);
    const done = reading
      .then((git) =>
        this.deps.locks.run(checkpoint.sessionId, async () => {
          const now = this.stored.get(key);
          const parsed = now === undefined ? null : parseCheckpoint(now);
          if (parsed === null || !parsed.ok || parsed.checkpoint.createdAt !== checkpoint.createdAt) return;
          const { gitPending: _filled, ...rest } = parsed.checkpoint;
          const filled = { ...rest, git } as StoredCheckpoint;
          await this.deps.committer.commit({
            checkpoints: [filled],
            events: [{ type: 'checkpoint.updated', sessionId: checkpoint.sessionId, data: toJson(summary(filled)) }],
          });
        }),
      )
      .catch((error: unknown) => {
        // The checkpoint stands without it (gitPending stays); nothing else depends on it.
        this.log.warn({ err: error, session: checkpoint.sessionId, seq: checkpoint.seq }, 'git state of a checkpoint not written');
      })
      .finally(() => {
        this.filling.delete(done);
        this.reading.delete(name);
      });
    this.filling.add(done);
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

  /** A session's checkpoint seqs, oldest first: read from the store once, then kept by `write`. */
  private keys(sessionId: string): number[] {
    let seqs = this.seqs.get(sessionId);
    if (seqs === undefined) {
      seqs = [...this.stored.getKeys({ start: [sessionId, 0], end: [sessionId, Number.MAX_SAFE_INTEGER] })].map((k) => k[1]);
      this.seqs.set(sessionId, seqs);
    }
    return seqs;
  }

  /** Forgets the seqs of sessions that are gone (deleted with their checkpoints), once there are many. */
  private forgetGone(): void {
    if (this.seqs.size <= this.deps.registry.size + SEQS_SLACK) return;
    for (const id of this.seqs.keys()) if (this.deps.registry.get(id) === undefined) this.seqs.delete(id);
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
