import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { JsonObject, Session } from '../../shared/protocol/model.js';
import type { SessionCreateParams, SessionUpdateParams } from '../../shared/protocol/session.js';
import { errors } from '../errors.js';
import { onBackend, spawnSpec, type SessionContext } from './context.js';
import { mergePatch } from './merge-patch.js';
import { defaultName, DEFAULT_SPACE, inferAgent, newId } from './naming.js';

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

async function checkDirectory(cwd: string): Promise<void> {
  let info;
  try {
    info = await stat(cwd);
  } catch {
    throw errors.invalidParams('cwd', `no such directory: ${cwd}`);
  }
  if (!info.isDirectory()) throw errors.invalidParams('cwd', `not a directory: ${cwd}`);
}

/** `session/create` and `session/update`. */
export class SessionCreator {
  constructor(private readonly ctx: SessionContext) {}

  async create(params: SessionCreateParams): Promise<Session> {
    const { registry, defaults, limits, backend, committer, locks } = this.ctx;
    // Templates arrive with the configuration work; until then every name is unknown.
    if (params.template !== undefined) throw errors.templateNotFound(params.template);
    if (registry.size >= limits.maxSessions) throw errors.limitExceeded('sessions', limits.maxSessions, registry.size + 1);

    const space = params.space ?? DEFAULT_SPACE;
    const command = params.command ?? [defaults.shell, '-l'];
    const cwd = params.cwd ?? defaults.home;
    await checkDirectory(cwd);
    const pathVar = params.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin';
    if (!(await programExists(command[0]!, pathVar, cwd))) {
      throw errors.invalidParams('command[0]', `program not found: ${command[0]}`);
    }

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
      const now = new Date().toISOString();
      let session: Session = {
        id,
        name,
        space,
        status: 'created',
        activity: 'unknown',
        command,
        cwd,
        env: params.env ?? {},
        template: params.template ?? null,
        agent: params.agent ?? inferAgent(command),
        labels: params.labels ?? {},
        taskId: params.taskId ?? null,
        agentId: params.agentId ?? null,
        sessionType: params.sessionType ?? null,
        context: params.context ?? {},
        restartPolicy: params.restartPolicy ?? 'never',
        restarts: 0,
        exitCode: null,
        exitSignal: null,
        pid: null,
        size: params.size ?? defaults.size,
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        endedAt: null,
        lastActivityAt: null,
        lastCheckpointAt: null,
        nextRestartAt: null,
        runtime: { backend: 'tmux', tmuxSession: null, paneId: null, panePid: null },
      };
      try {
        if (params.start !== false) {
          const runtime = await onBackend(session, 'start', () => backend.spawn(spawnSpec(session, defaults)));
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
        await this.ctx.transcripts.delete(id).catch(() => undefined);
        throw error;
      }
      return session;
    });
  }

  async update(session: Session, params: SessionUpdateParams): Promise<Session> {
    return this.ctx.locks.run(session.id, async () => {
      const current = this.ctx.registry.get(session.id);
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
      const next: Session = { ...current, labels, context, updatedAt: new Date().toISOString() };
      await this.ctx.committer.commit({
        put: [next],
        events: [{ type: 'session.updated', sessionId: next.id, data: { labels, context } }],
      });
      return next;
    });
  }
}

/** A protocol object as an event payload. */
export function toJson(value: object): JsonObject {
  return value as unknown as JsonObject;
}
