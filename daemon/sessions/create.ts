import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { AgentSession, JsonObject, Session, SessionWorktree } from '../../shared/protocol/model.js';
import type { SessionCreateParams, SessionCreateResult, SessionResolution, SessionUpdateParams } from '../../shared/protocol/session.js';
import type { Resolution } from '../config/resolve.js';
import type { SessionResolver } from '../config/resolver.js';
import { errors } from '../errors.js';
import type { SessionBackend } from '../backend/backend.js';
import type { TranscriptService } from '../transcripts/service.js';
import type { Committer } from './commit.js';
import { checkSessionLimits, onBackend, spawnSpec, type SessionDefaults, type SessionLimits } from './helpers.js';
import type { KeyedLock } from './lock.js';
import type { SessionRegistry } from './registry.js';
import { mergePatch } from './merge-patch.js';
import { defaultName, DEFAULT_SPACE, newId } from './naming.js';

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Whether argv[0] names a program that can run, as execvp would find it. */
async function programExists(program: string, pathVar: string, cwd: string): Promise<boolean> {
  if (program.includes('/')) return isExecutableFile(isAbsolute(program) ? program : resolve(cwd, program));
  for (const dir of pathVar.split(':')) {
    if (dir !== '' && (await isExecutableFile(join(dir, program)))) return true;
  }
  return false;
}

function programNotFound(program: string): Error {
  return errors.invalidParams('command[0]', `program not found: ${program}`);
}

async function checkDirectory(cwd: string): Promise<void> {
  let info;
  try {
    info = await stat(cwd);
  } catch {
    throw errors.invalidParams('cwd', `no such directory: ${cwd}`);
  }
  if (!info.isDirectory()) throw errors.invalidParams('cwd', `not a directory: ${cwd}`);
}

/** What creating and updating sessions takes. */
export interface CreatorDeps {
  registry: SessionRegistry;
  committer: Committer;
  backend: SessionBackend;
  transcripts: Pick<TranscriptService, 'delete'>;
  locks: KeyedLock;
  defaults: SessionDefaults;
  limits: SessionLimits;
}

/** `session/create` and `session/update`. */
export class SessionCreator {
  constructor(
    private readonly deps: CreatorDeps,
    private readonly resolver: SessionResolver,
  ) {}

  /**
   * Creates a session from the request over the config's layers; with `dryRun`, only
   * says what it would create. `worktree`: the worktree it runs in, made by the caller;
   * `agentSession`: the agent's conversation it starts on (a fork's).
   */
  async create(params: SessionCreateParams, extra: { worktree?: SessionWorktree; agentSession?: AgentSession } = {}): Promise<SessionCreateResult> {
    const { registry, defaults, limits, backend, committer, locks } = this.deps;
    const { values, resolution } = this.resolver.resolve(params);
    if (registry.size >= limits.maxSessions && params.dryRun !== true) {
      throw errors.limitExceeded('sessions', limits.maxSessions, registry.size + 1);
    }

    const { space, command, cwd } = values;
    await checkDirectory(cwd);
    // A backend that reports exec failures checks the program as it starts it (sessd-pane, in the pane's own environment).
    if (params.dryRun === true || params.start === false || backend.checksPrograms !== true) {
      const pathVar = values.env.PATH ?? process.env.PATH ?? '/usr/bin:/bin';
      if (!(await programExists(command[0]!, pathVar, cwd))) throw programNotFound(command[0]!);
    }
    if (params.dryRun === true) return this.preview(params, values, resolution);
    checkSessionLimits(values.labels, params.context ?? {}, this.deps.limits);

    // An id never equals a name in the default space, where a bare reference could mean either.
    const idTaken = (id: string): boolean =>
      registry.get(id) !== undefined || registry.isReservedId(id) || registry.nameHolder(DEFAULT_SPACE, id) !== undefined;
    let id = newId('s');
    while (idTaken(id)) id = newId('s');
    const name = params.name ?? defaultName(command, (n) => registry.nameHolder(space, n) !== undefined);
    const other = space === DEFAULT_SPACE ? registry.get(name) : undefined;
    if (other !== undefined) throw errors.invalidParams('name', `is the id of session ${other.space}/${other.name}`);
    if (!registry.reserve(space, name, id)) {
      throw errors.sessionExists(space, name, registry.nameHolder(space, name) ?? '');
    }

    // Held across spawn and commit, so an exit reported meanwhile waits for the record.
    return locks.run(id, async () => {
      let session = newRecord(id, name, params, values, new Date().toISOString());
      if (extra.worktree !== undefined) session.worktree = extra.worktree;
      if (extra.agentSession !== undefined) session.agentSession = extra.agentSession;
      try {
        if (params.start !== false) {
          const runtime = await onBackend(session, 'start', () => backend.spawn(spawnSpec(session, defaults)));
          if (runtime.execError !== undefined) {
            await backend.destroy(id).catch(() => undefined); // its pane ended already; the session goes with the error
            throw runtime.execError === 'ENOENT' || runtime.execError === 'EACCES' || runtime.execError === 'ENOTDIR'
              ? programNotFound(command[0]!)
              : errors.invalidParams('command[0]', `cannot run ${command[0]}: ${runtime.execError}`);
          }
          session = {
            ...session,
            status: 'running',
            pid: runtime.pid,
            startedAt: new Date().toISOString(),
            runtime: { backend: 'tmux', tmuxSession: id, paneId: runtime.paneId, panePid: runtime.panePid },
          };
        }
        await committer.commit({ put: [session], events: [{ type: 'session.created', sessionId: id, data: toJson(session) }] });
      } catch (error) {
        registry.release(space, name);
        if (session.status === 'running') {
          // The record was refused: take the program down again rather than leave an unknown session.
          await backend.destroy(id).catch(() => undefined);
        }
        await this.deps.transcripts.delete(id).catch(() => undefined);
        throw error;
      }
      return session;
    });
  }

  /** The session a dry run would create: nothing is reserved, started or stored. */
  private preview(params: SessionCreateParams, values: Resolution['values'], resolution: SessionResolution): SessionCreateResult {
    const { registry } = this.deps;
    const name = params.name ?? defaultName(values.command, (n) => registry.nameHolder(values.space, n) !== undefined);
    const holder = registry.nameHolder(values.space, name);
    if (holder !== undefined) throw errors.sessionExists(values.space, name, holder);
    return {
      ...newRecord('', name, params, values, new Date().toISOString()),
      limits: values.limits,
      resolution: { ...resolution, sources: { ...resolution.sources, name: params.name === undefined ? 'builtin' : 'request' } },
    };
  }

  async update(session: Session, params: SessionUpdateParams): Promise<Session> {
    return this.deps.locks.run(session.id, async () => {
      const current = this.deps.registry.get(session.id);
      if (current === undefined) throw errors.sessionNotFound(params.session);
      const labels = { ...current.labels };
      for (const [key, value] of Object.entries(params.labels ?? {})) {
        if (value === null) delete labels[key];
        else labels[key] = value;
      }
      let context = current.context;
      if (params.context !== undefined) {
        context = params.contextMode === 'replace' ? params.context : (mergePatch(current.context, params.context) as JsonObject);
      }
      checkSessionLimits(labels, context, this.deps.limits);
      const name = params.name ?? current.name;
      const restartPolicy = params.restartPolicy ?? current.restartPolicy;
      const renamed = name !== current.name;
      if (renamed) this.reserveName(current, name);
      const policy = params.policy ?? current.policy;
      const next: Session = { ...current, name, restartPolicy, labels, context, ...(policy === undefined ? {} : { policy }), updatedAt: new Date().toISOString() };
      try {
        await this.deps.committer.commit({
          put: [next],
          events: [{ type: 'session.updated', sessionId: next.id, data: { labels, context, name, restartPolicy, policy: policy ?? 'on' } }],
        });
      } finally {
        if (renamed) this.deps.registry.release(current.space, name);
      }
      return next;
    });
  }

  /** Holds a session's new name until the rename commits: taken by another, or another's id, is refused. */
  private reserveName(session: Session, name: string): void {
    const { registry } = this.deps;
    const other = session.space === DEFAULT_SPACE ? registry.get(name) : undefined;
    if (other !== undefined && other.id !== session.id) throw errors.invalidParams('name', `is the id of session ${other.space}/${other.name}`);
    if (!registry.reserve(session.space, name, session.id)) throw errors.sessionExists(session.space, name, registry.nameHolder(session.space, name) ?? '');
  }
}

/** A new session's record, not started, from the request and its resolved values. */
function newRecord(id: string, name: string, params: SessionCreateParams, values: Resolution['values'], now: string): Session {
  return {
    id,
    name,
    space: values.space,
    status: 'created',
    activity: 'unknown',
    command: values.command,
    cwd: values.cwd,
    env: values.env,
    template: params.template ?? null,
    agent: values.agent,
    labels: values.labels,
    taskId: params.taskId ?? null,
    agentId: params.agentId ?? null,
    sessionType: values.sessionType,
    context: values.context,
    restartPolicy: values.restartPolicy,
    restarts: 0,
    exitCode: null,
    exitSignal: null,
    pid: null,
    size: values.size,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    endedAt: null,
    lastActivityAt: null,
    lastCheckpointAt: null,
    nextRestartAt: null,
    agentSession: null,
    ...(Object.keys(values.limits).length === 0 ? {} : { limits: values.limits }),
    runtime: { backend: 'tmux', tmuxSession: null, paneId: null, panePid: null },
  };
}

export function toJson(value: object): JsonObject {
  return value as unknown as JsonObject;
}
