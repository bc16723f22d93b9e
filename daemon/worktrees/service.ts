import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AgentSession, Session, SessionWorktree, WorktreeRequest } from '../../shared/protocol/model.js';
import type { SessionCreateParams, SessionCreateResult } from '../../shared/protocol/session.js';
import type { SessionDiffParams, SessionDiffResult, SessionForkParams, WorktreeInfo, WorktreePruneParams, WorktreePruneResult } from '../../shared/protocol/worktree.js';
import type { SessionResolver } from '../config/resolver.js';
import type { TemplateService } from '../config/templates.js';
import { prepareFork } from '../agents/fork.js';
import { errors, sessdError } from '../errors.js';
import type { CheckpointService } from '../sessions/checkpoints.js';
import type { SessionCreator } from '../sessions/create.js';
import type { SessionLifecycle } from '../sessions/lifecycle.js';
import type { StopOptions } from '../sessions/lifecycle-types.js';
import { defaultName } from '../sessions/naming.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { commitOf, diffSince, gitMaybe, isDirty, isUnmerged, repoInfo, snapshot, type RepoInfo } from './git.js';
import { BRANCH_PREFIX, type Worktrees } from './worktrees.js';

export interface WorktreeSessionsDeps {
  registry: SessionRegistry;
  resolver: SessionResolver;
  templates: TemplateService;
  creator: SessionCreator;
  lifecycle: SessionLifecycle;
  checkpoints: CheckpointService;
  worktrees: Worktrees;
  log: Logger;
}

/**
 * Sessions that own a git worktree: `session/create` with `worktree`, `session/diff`,
 * `session/fork`, `session/delete` of such a session, `worktree/list` and
 * `worktree/prune`. The git work is in worktrees.ts and git.ts; sessions are made and
 * deleted by the creator and the lifecycle, as any other.
 */
export class WorktreeSessions {
  constructor(private readonly deps: WorktreeSessionsDeps) {}

  /** `session/create`: with a worktree (asked for, or by the template), the session runs in a new one. */
  async create(params: SessionCreateParams): Promise<SessionCreateResult> {
    const { creator, resolver, templates, registry, worktrees } = this.deps;
    const { worktree: asked, ...rest } = params;
    const request: WorktreeRequest | undefined = asked ?? (rest.template === undefined ? undefined : templates.find(rest.template)?.template.worktree);
    if (request === undefined) return creator.create(rest);
    const { values } = resolver.resolve(rest);
    const repo = await repoInfo(values.cwd);
    if (repo === null) throw errors.invalidParams('cwd', `not in a git repository: ${values.cwd}`);
    const name = rest.name ?? defaultName(values.command, (n) => registry.nameHolder(values.space, n) !== undefined);
    const holder = registry.nameHolder(values.space, name);
    if (holder !== undefined) throw errors.sessionExists(values.space, name, holder);
    const open = {
      repo,
      name,
      space: values.space,
      branch: request === true ? undefined : request.branch,
      base: request === true ? undefined : request.base,
      fields: { branch: 'worktree.branch', base: 'worktree.base' },
    };
    if (rest.dryRun === true) {
      const planned = await worktrees.check(open);
      const preview = await creator.create(rest);
      const worktree = { repo: repo.main, path: planned.path, branch: planned.branch, baseCommit: planned.base, ownsBranch: !planned.reuse };
      return { ...preview, cwd: resolve(planned.path, repo.prefix), worktree };
    }
    const worktree = await worktrees.open(open);
    return this.createIn(worktree, { ...rest, name, cwd: resolve(worktree.path, repo.prefix) });
  }

  /** `session/diff`. */
  async diff(session: Session, params: SessionDiffParams): Promise<SessionDiffResult> {
    const worktree = this.worktreeOf(session, 'diff');
    const flags = [...(params.stat === true ? ['--stat'] : []), ...(params.nameOnly === true ? ['--name-only'] : [])];
    const head = (await commitOf(worktree.path, 'HEAD')) ?? worktree.baseCommit;
    return { diff: await diffSince(worktree.path, worktree.baseCommit, flags), base: worktree.baseCommit, head, path: worktree.path };
  }

  /**
   * `session/fork`: a new worktree at the source's commit (or a checkpoint's), its
   * uncommitted state carried over. An agent whose conversation sessd knows starts on
   * a fork of that conversation (of the checkpoint's, from a checkpoint): it knows
   * what the source was doing, and the two go on apart.
   */
  async fork(source: Session, params: SessionForkParams): Promise<Session> {
    const { registry, checkpoints, worktrees } = this.deps;
    const repo = await repoInfo(source.cwd).catch(() => null);
    if (repo === null) throw errors.invalidParams('session', `session ${source.space}/${source.name} is not in a git repository: ${source.cwd}`);
    let base: string;
    let state: { index: string; work: string } | undefined;
    let setup = { command: source.command, env: source.env, context: source.context };
    let conversation = source.agentSession ?? null;
    if (params.checkpoint !== undefined) {
      const checkpoint = await checkpoints.settled(source, params.checkpoint);
      if (checkpoint.git === null) throw errors.invalidParams('checkpoint', `checkpoint ${checkpoint.seq} has no git state to fork from`);
      if (checkpoint.git.dirty) {
        throw sessdError(
          'invalid_state',
          `cannot fork from checkpoint ${checkpoint.seq}: it was taken with uncommitted changes, which it did not save; fork the session's current state instead`,
          { id: source.id, action: 'fork', checkpoint: checkpoint.seq },
        );
      }
      base = checkpoint.git.head;
      setup = { command: checkpoint.command, env: checkpoint.env, context: checkpoint.context };
      conversation = checkpoint.agentSession ?? null;
    } else {
      base = (await commitOf(repo.top, 'HEAD')) ?? '';
      if (base === '') throw errors.invalidParams('session', `the repository ${repo.top} has no commit yet`);
      state = await snapshot(repo.top);
    }
    const taken = (n: string): boolean => registry.nameHolder(source.space, n) !== undefined;
    const name = params.name ?? defaultName([`${source.name}-fork`], taken);
    const holder = registry.nameHolder(source.space, name);
    if (holder !== undefined) throw errors.sessionExists(source.space, name, holder);
    const worktree = await worktrees.open({ repo, name, space: source.space, base, state, fields: { branch: 'name', base: 'checkpoint' } });
    const cwd = resolve(worktree.path, repo.prefix);
    let agentSession: AgentSession | undefined;
    if (conversation !== null) {
      const ready = await prepareFork(conversation, cwd, setup.env).catch((error: unknown) => {
        this.deps.log.warn({ err: error, session: source.id }, 'cannot carry the agent’s conversation over to the fork; it starts afresh');
        return false;
      });
      if (ready) agentSession = { agent: conversation.agent, id: conversation.id, fork: true };
    }
    return this.createIn(worktree, {
      name,
      space: source.space,
      ...setup,
      cwd,
      agent: source.agent,
      labels: source.labels,
      restartPolicy: source.restartPolicy,
      size: source.size,
      ...(source.limits === undefined ? {} : { limits: source.limits }),
      ...(source.taskId === null ? {} : { taskId: source.taskId }),
      ...(source.agentId === null ? {} : { agentId: source.agentId }),
      ...(source.sessionType === null ? {} : { sessionType: source.sessionType }),
      ...(params.start === false ? { start: false } : {}),
    }, agentSession);
  }

  /** `session/delete`: the session goes; its worktree too, unless it holds work and `force` is off (the reply says what was kept). */
  async delete(session: Session, options: StopOptions): Promise<Session> {
    const last = await this.deps.lifecycle.delete(session, options);
    if (last.worktree === undefined) return last;
    let kept: string | null;
    try {
      kept = await this.deps.worktrees.remove(last.worktree, options.force === true);
    } catch (error) {
      // The session is gone either way; the worktree stays for `sess worktree prune`.
      kept = `worktree ${last.worktree.path} kept: removing it failed: ${(error as Error).message}`;
    }
    return kept === null ? last : { ...last, worktree: { ...last.worktree, kept } };
  }

  /** `worktree/list`: the sessions' worktrees and those under the root that no session owns. */
  async list(): Promise<WorktreeInfo[]> {
    const owners = new Map(this.owned().map((s) => [s.worktree.path, s]));
    const paths = [...new Set([...owners.keys(), ...(await this.deps.worktrees.scan())])].sort();
    return Promise.all(paths.map((path) => this.info(path, owners.get(path) ?? null)));
  }

  /** `worktree/prune`. */
  async prune(params: WorktreePruneParams): Promise<WorktreePruneResult> {
    const result: WorktreePruneResult = { removed: [], kept: [] };
    const repos = new Set(this.owned().map((s) => s.worktree.repo));
    for (const info of await this.list()) {
      if (info.repo !== null) repos.add(info.repo);
      if (info.session !== null) continue;
      if (info.repo === null || info.branch === null) {
        result.kept.push({ path: info.path, reason: 'git no longer reads it as a worktree; remove it by hand' });
        continue;
      }
      const worktree: SessionWorktree = { repo: info.repo, path: info.path, branch: info.branch, baseCommit: '', ownsBranch: info.branch.startsWith(BRANCH_PREFIX) };
      const risk = info.dirty ? 'it has uncommitted changes' : info.unmerged ? `branch ${info.branch} has commits on no other branch` : null;
      if (risk !== null && params.force !== true) {
        result.kept.push({ path: info.path, reason: risk });
        continue;
      }
      if (params.dryRun !== true) {
        const kept = await this.deps.worktrees.remove(worktree, true);
        if (kept !== null) result.kept.push({ path: info.path, reason: kept });
      }
      result.removed.push(info.path);
    }
    // Git's records of worktrees whose directories are gone.
    if (params.dryRun !== true) for (const repo of repos) await gitMaybe(repo, ['worktree', 'prune']);
    return result;
  }

  private async createIn(worktree: SessionWorktree, params: SessionCreateParams, agentSession?: AgentSession): Promise<SessionCreateResult> {
    try {
      // The session's subdirectory may hold nothing git tracks (so the checkout lacks it).
      if (params.cwd !== undefined) await mkdir(params.cwd, { recursive: true });
      return await this.deps.creator.create(params, agentSession === undefined ? { worktree } : { worktree, agentSession });
    } catch (error) {
      await this.deps.worktrees.remove(worktree, true).catch(() => undefined); // best effort: the error that matters is the create's
      throw error;
    }
  }

  private worktreeOf(session: Session, action: string): SessionWorktree {
    if (session.worktree !== undefined) return session.worktree;
    throw sessdError('invalid_state', `cannot ${action} session ${session.space}/${session.name}: it has no worktree (create it with worktree, or fork it)`, {
      id: session.id,
      status: session.status,
      action,
    });
  }

  private owned(): (Session & { worktree: SessionWorktree })[] {
    return this.deps.registry.all().filter((s): s is Session & { worktree: SessionWorktree } => s.worktree !== undefined);
  }

  private async info(path: string, owner: Session | null): Promise<WorktreeInfo> {
    const repo: RepoInfo | null = await repoInfo(path).catch(() => null);
    const unreadable = repo === null;
    const branch = unreadable ? null : ((await gitMaybe(path, ['symbolic-ref', '--short', '-q', 'HEAD']))?.trim() ?? null);
    return {
      path,
      repo: repo === null ? (owner?.worktree?.repo ?? null) : repo.main,
      branch: branch === '' ? null : branch,
      head: unreadable ? null : await commitOf(path, 'HEAD'),
      session: owner?.id ?? null,
      dirty: unreadable ? false : await isDirty(path),
      unmerged: unreadable ? false : await isUnmerged(path, branch),
    };
  }
}
