import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionRestoreParams } from '../../shared/protocol/checkpoint.js';
import type { JsonObject, Session } from '../../shared/protocol/model.js';
import { errors } from '../errors.js';
import type { CheckpointService, SavedScrollback, StoredCheckpoint } from './checkpoints.js';
import { replayable, replayEnd } from './scrollback.js';
import type { SessionBackend } from '../backend/backend.js';
import { spawnSpec, transition, type SessionDefaults } from './helpers.js';
import type { SessionRegistry } from './registry.js';
import type { SessionCreator } from './create.js';
import type { SessionLifecycle } from './lifecycle.js';
import type { StopOptions } from './lifecycle-types.js';
import { mergePatch } from './merge-patch.js';
import type { MessageQueue } from './messages.js';
import type { ActivityTracker } from '../activity/tracker.js';
import type { SessionAction } from './status.js';

/** The line shown between a restored session's saved scrollback and the new program's output. */
function separator(checkpoint: StoredCheckpoint, saved: SavedScrollback): string {
  const label = checkpoint.label === null ? '' : ` "${checkpoint.label.replace(/\p{Cc}/gu, ' ')}"`;
  const lost = saved.kind === 'lost' ? ` (${saved.why})` : '';
  return `── restored from checkpoint ${checkpoint.seq}${label} of ${checkpoint.createdAt}${lost} ──`;
}

/**
 * What sessd-pane writes before the program: the saved scrollback (text as saved, or
 * the saved output played again, see `replayable`), then the separator, dimmed.
 */
function preface(saved: SavedScrollback, line: string): Buffer {
  const end = `\x1b[2m${line}\x1b[0m\n`;
  if (saved.kind === 'text') return Buffer.from(`${saved.text}\n${end}`);
  if (saved.kind === 'lost') return Buffer.from(end);
  const replay = replayable(saved.bytes);
  return Buffer.concat([replay.bytes, Buffer.from(replayEnd(replay.altScreen) + end)]);
}

/** What a restore reads. */
export interface RestorerDeps {
  registry: SessionRegistry;
  backend: Pick<SessionBackend, 'status'>;
  defaults: SessionDefaults;
}

/**
 * `session/restore`, `session/suspend` and `session/resume`: a session brought back
 * from a checkpoint runs the checkpoint's command in its cwd with its env, takes its
 * context, shows its scrollback above the new output, and is sent its resume prompt
 * once the program is ready.
 */
export class Restorer {
  constructor(
    private readonly deps: RestorerDeps,
    private readonly lifecycle: SessionLifecycle,
    private readonly creator: SessionCreator,
    private readonly checkpoints: CheckpointService,
    private readonly queue: MessageQueue,
    private readonly activity: ActivityTracker,
    /** Where saved scrollback waits for sessd-pane to show it. */
    private readonly prefaceDir: string,
  ) {}

  async restore(session: Session, params: Omit<SessionRestoreParams, 'session'>): Promise<Session> {
    const checkpoint = this.checkpoints.get(session, params.seq);
    if (params.name === undefined) {
      return this.lifecycle.locked(session, async (current) => {
        transition(current, 'restore');
        return this.startFrom(current, checkpoint, 'restore');
      });
    }
    // Beside the old one: a new session with the old one's settings and the checkpoint's state.
    const created = await this.creator.create({
      name: params.name,
      space: session.space,
      command: checkpoint.command,
      cwd: checkpoint.cwd,
      env: checkpoint.env,
      agent: session.agent,
      labels: session.labels,
      ...(session.taskId === null ? {} : { taskId: session.taskId }),
      ...(session.agentId === null ? {} : { agentId: session.agentId }),
      ...(session.sessionType === null ? {} : { sessionType: session.sessionType }),
      context: session.context,
      restartPolicy: session.restartPolicy,
      size: session.size,
      start: false,
    });
    return this.lifecycle.locked(created, (current) => this.startFrom(current, checkpoint, 'restore'));
  }

  /** Checkpoints a live session, then stops it: it is `suspended` until resumed. */
  suspend(session: Session, options: StopOptions): Promise<Session> {
    return this.lifecycle.locked(session, async (current) => {
      transition(current, 'suspend');
      // The resume prompt of the latest checkpoint carries over.
      const resumePrompt = this.checkpoints.latest(current.id)?.resumePrompt ?? undefined;
      await this.checkpoints.write(current, { label: 'suspend', ...(resumePrompt === undefined ? {} : { resumePrompt }) });
      const checkpointed = this.deps.registry.get(current.id) ?? current;
      return this.lifecycle.stopLocked(checkpointed, options, 'suspend');
    });
  }

  /** Continues a paused program, or restores a suspended session from its latest checkpoint. */
  resume(session: Session): Promise<Session> {
    return this.lifecycle.locked(session, async (current) => {
      if (current.status !== 'suspended') return this.lifecycle.resumePaused(current);
      const latest = this.checkpoints.latest(current.id);
      return latest === null ? this.lifecycle.startLocked(current, 'resume') : this.startFrom(current, latest, 'resume');
    });
  }

  /**
   * Brings an ended session back for its restart policy (the caller holds the lock):
   * from its latest checkpoint after a crash, else with its own command.
   */
  async recoverLocked(current: Session, reason: string): Promise<Session> {
    const patch = { restarts: current.restarts + 1 };
    const latest = current.status === 'crashed' ? this.checkpoints.latest(current.id) : null;
    if (latest === null) return this.lifecycle.startLocked(current, 'start', { patch, reason });
    return this.startFrom(current, latest, 'restore', { patch, reason });
  }

  private async startFrom(
    current: Session,
    checkpoint: StoredCheckpoint,
    action: SessionAction,
    extra: { patch?: Partial<Session>; reason?: string } = {},
  ): Promise<Session> {
    try {
      if (!(await stat(checkpoint.cwd)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw errors.invalidState(current, action, `the checkpoint's directory ${checkpoint.cwd} is gone`);
    }
    const restored: Session = {
      ...current,
      command: checkpoint.command,
      cwd: checkpoint.cwd,
      env: checkpoint.env,
      context: mergePatch(current.context, checkpoint.context) as JsonObject,
      // The agent's conversation goes on: the one recorded since, else the checkpoint's.
      agentSession: current.agentSession ?? checkpoint.agentSession ?? null,
    };
    // Without sessd-pane there is nothing to show the saved scrollback.
    const saved = this.deps.backend.status().capabilities.includes('preface') ? this.checkpoints.scrollback(checkpoint) : undefined;
    const line = saved === undefined ? undefined : separator(checkpoint, saved);
    const prefaceFile = saved === undefined || line === undefined ? undefined : await this.writePreface(current.id, preface(saved, line));
    // The preface is not the program: activity is read from what comes after its last line.
    if (line !== undefined) this.activity.expectPreface(current.id, line);
    let started: Session;
    try {
      started = await this.lifecycle.startLocked(current, action, {
        spec: { ...spawnSpec(restored, this.deps.defaults), ...(prefaceFile === undefined ? {} : { preface: prefaceFile }) },
        patch: { command: restored.command, cwd: restored.cwd, env: restored.env, context: restored.context, agentSession: restored.agentSession, ...extra.patch },
        reason: extra.reason ?? `restored from checkpoint ${checkpoint.seq}`,
      });
    } catch (error) {
      if (prefaceFile !== undefined) await rm(prefaceFile, { force: true }); // sessd-pane removes it once shown; nothing showed it
      this.activity.cancelPreface(current.id);
      throw error;
    }
    if (checkpoint.resumePrompt !== null) {
      await this.queue.enqueue(started, checkpoint.resumePrompt, { submit: true });
    }
    return started;
  }

  private async writePreface(sessionId: string, text: Buffer): Promise<string> {
    await mkdir(this.prefaceDir, { recursive: true, mode: 0o700 });
    const path = join(this.prefaceDir, `${sessionId}-${randomBytes(6).toString('hex')}`);
    await writeFile(path, text, { mode: 0o600 });
    return path;
  }
}
