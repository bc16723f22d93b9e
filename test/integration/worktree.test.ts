import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SessionCheckpointRequest,
  SessionDeleteRequest,
  SessionDiffRequest,
  SessionForkRequest,
  SessionSendRequest,
  TemplateSetRequest,
  WorktreeListRequest,
  WorktreePruneRequest,
  type Session,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { tempDir } from '../helpers/daemon.js';
import { changeEveryWay, git, repository } from '../helpers/git.js';
import { SHELL, useDaemon } from '../helpers/harness.js';

// The daemon's git reads no user or system config either.
const h = useDaemon({ env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

/** Runs a line in a shell session and waits for its marker on the screen. */
async function run(session: Session, line: string, marker: string): Promise<void> {
  // The marker is computed by the shell, so the typed line itself never shows it.
  await h.client.request(SessionSendRequest, { session: session.id, text: `${line}; echo "$((40+2))-${marker}"` });
  await h.waitForScreen(session, (screen) => screen.includes(`42-${marker}`));
}

const worktreeOf = (s: Session): NonNullable<Session['worktree']> => {
  expect(s.worktree).toBeDefined();
  return s.worktree!;
};

describe('sessions in worktrees', () => {
  it('run in a new worktree on sess/NAME from HEAD, under the state dir, never inside the repository', async () => {
    const repo = await repository();
    const s = await h.createShell({ name: 'first', cwd: repo.dir, worktree: true });
    const w = worktreeOf(s);
    expect(w).toMatchObject({ repo: repo.dir, branch: 'sess/first', baseCommit: repo.head, ownsBranch: true });
    expect(w.path.startsWith(join(h.paths.stateDir, 'worktrees') + '/')).toBe(true);
    expect(w.path.startsWith(repo.dir + '/')).toBe(false);
    expect(s.cwd).toBe(w.path);
    expect(readFileSync(join(w.path, 'shared.txt'), 'utf8')).toBe('two\n');
    expect(git(w.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('sess/first');
    expect(git(repo.dir, 'worktree', 'list', '--porcelain')).toContain(`worktree ${w.path}`);
    await run(s, 'pwd > where.txt', 'pwd');
    expect(readFileSync(join(w.path, 'where.txt'), 'utf8').trim()).toBe(w.path);
  });

  it('start from --base, reuse a named branch, and come from a template', async () => {
    const repo = await repository();
    const based = await h.createShell({ name: 'based', cwd: repo.dir, worktree: { base: 'HEAD~1' } });
    expect(worktreeOf(based).baseCommit).toBe(repo.first);
    expect(readFileSync(join(based.cwd, 'shared.txt'), 'utf8')).toBe('one\n');

    git(repo.dir, 'branch', 'feature', repo.first);
    const reused = await h.createShell({ name: 'reused', cwd: repo.dir, worktree: { branch: 'feature' } });
    expect(worktreeOf(reused)).toMatchObject({ branch: 'feature', baseCommit: repo.first, ownsBranch: false });

    mkdirSync(join(repo.dir, 'sub'));
    const inSub = await h.createShell({ name: 'in-sub', cwd: join(repo.dir, 'sub'), worktree: true });
    expect(inSub.cwd).toBe(join(worktreeOf(inSub).path, 'sub'));

    const preview = await h.createShell({ name: 'preview', cwd: repo.dir, worktree: true, dryRun: true });
    expect(preview.worktree).toMatchObject({ branch: 'sess/preview', baseCommit: repo.head });
    expect(existsSync(preview.worktree!.path)).toBe(false);
    expect(git(repo.dir, 'branch', '--list', 'sess/preview')).toBe('');

    await h.client.request(TemplateSetRequest, { template: { name: 'tree', command: SHELL, worktree: true } });
    const templated = await h.createShell({ name: 'templated', cwd: repo.dir, template: 'tree' });
    expect(worktreeOf(templated).branch).toBe('sess/templated');
  });

  it('refuse bad input with the field named: no repository, a branch checked out elsewhere, no such base, a taken directory', async () => {
    const repo = await repository();
    const plain = await tempDir('plain');
    const field = async (params: Parameters<typeof h.createShell>[0], expected: string, text: string): Promise<void> => {
      const e = await expectError(h.createShell(params), -32602, 'invalid_params');
      expect((e.data as { field: string }).field).toBe(expected);
      expect(e.message).toContain(text);
    };
    await field({ name: 'bad1', cwd: plain, worktree: true }, 'cwd', 'not in a git repository');
    await field({ name: 'bad2', cwd: repo.dir, worktree: { branch: 'main' } }, 'worktree.branch', `already checked out at ${repo.dir}`);
    await field({ name: 'bad3', cwd: repo.dir, worktree: { base: 'no-such-ref' } }, 'worktree.base', 'no such commit');
    await field({ name: 'bad4', cwd: repo.dir, worktree: { branch: 'a..b' } }, 'worktree.branch', 'not a valid branch name');
    git(repo.dir, 'branch', 'existing');
    await field({ name: 'bad5', cwd: repo.dir, worktree: { branch: 'existing', base: 'HEAD~1' } }, 'worktree.base', 'applies only to a new branch');
    const empty = await tempDir('empty');
    git(empty, 'init', '-q', '-b', 'main');
    await field({ name: 'bad6', cwd: empty, worktree: true }, 'worktree.base', 'has no commit yet');
    const kept = await h.createShell({ name: 'taken', cwd: repo.dir, worktree: true });
    writeFileSync(join(kept.cwd, 'wip.txt'), 'work\n');
    const deleted = await h.client.request(SessionDeleteRequest, { session: kept.id, force: true });
    expect(worktreeOf(deleted as Session).kept).toBe(undefined); // force removed it
    const again = await h.createShell({ name: 'taken2', cwd: repo.dir, worktree: true });
    writeFileSync(join(again.cwd, 'wip.txt'), 'work\n');
    await h.client.request(SessionDeleteRequest, { session: again.id });
    await field({ name: 'taken2', cwd: repo.dir, worktree: true }, 'name', 'the worktree directory exists');
    // Nothing was left behind by the refusals.
    expect(git(repo.dir, 'branch', '--list', 'sess/bad*')).toBe('');
  });

  it('let two sessions edit the same file without seeing each other', async () => {
    const repo = await repository();
    const a = await h.createShell({ name: 'edit-a', cwd: repo.dir, worktree: true });
    const b = await h.createShell({ name: 'edit-b', cwd: repo.dir, worktree: true });
    await Promise.all([run(a, 'echo from-a > shared.txt', 'a'), run(b, 'echo from-b > shared.txt', 'b')]);
    expect(readFileSync(join(a.cwd, 'shared.txt'), 'utf8')).toBe('from-a\n');
    expect(readFileSync(join(b.cwd, 'shared.txt'), 'utf8')).toBe('from-b\n');
    expect(readFileSync(join(repo.dir, 'shared.txt'), 'utf8')).toBe('two\n');
    const diffA = (await h.client.request(SessionDiffRequest, { session: a.id })).diff;
    expect(diffA).toContain('+from-a');
    expect(diffA).not.toContain('from-b');
  });
});

describe('session/diff', () => {
  it('shows commits, staged, unstaged and untracked changes since the base, changing nothing', async () => {
    const repo = await repository();
    const s = await h.createShell({ name: 'differ', cwd: repo.dir, worktree: true });
    const dir = s.cwd;
    const status = changeEveryWay(dir);

    const full = await h.client.request(SessionDiffRequest, { session: s.id });
    expect(full).toMatchObject({ base: repo.head, head: git(dir, 'rev-parse', 'HEAD'), path: dir });
    for (const text of ['+committed', '+staged', '+unstaged', '+untracked', '-two']) expect(full.diff).toContain(`\n${text}\n`);
    const names = await h.client.request(SessionDiffRequest, { session: s.id, nameOnly: true });
    expect(names.diff.split('\n').filter(Boolean).sort()).toEqual(['committed.txt', 'shared.txt', 'staged.txt', 'untracked.txt']);
    const stat = await h.client.request(SessionDiffRequest, { session: s.id, stat: true });
    expect(stat.diff).toMatch(/4 files changed, 4 insertions\(\+\), 1 deletion\(-\)/);
    expect(git(dir, 'status', '--porcelain')).toBe(status);

    const plain = await h.createShell({ name: 'no-tree', cwd: repo.dir });
    const e = await expectError(h.client.request(SessionDiffRequest, { session: plain.id }), -32003, 'invalid_state');
    expect(e.message).toContain('has no worktree');
  });
});

describe('session/fork', () => {
  it('starts the same command in a new worktree with the uncommitted changes carried over, the source untouched', async () => {
    const repo = await repository();
    const source = await h.createShell({ name: 'source', cwd: repo.dir, worktree: true, context: { step: 3 }, labels: { team: 'web' } });
    const dir = source.cwd;
    const status = changeEveryWay(dir);
    const head = git(dir, 'rev-parse', 'HEAD');

    const fork = await h.client.request(SessionForkRequest, { session: source.id });
    expect(fork).toMatchObject({ name: 'source-fork', status: 'running', command: source.command, context: { step: 3 }, labels: { team: 'web' } });
    const w = worktreeOf(fork);
    expect(w).toMatchObject({ branch: 'sess/source-fork', baseCommit: head, repo: repo.dir });
    expect(git(w.path, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(w.path, 'status', '--porcelain')).toBe(status); // staged stays staged, unstaged unstaged, untracked untracked
    for (const [file, text] of [['staged.txt', 'staged\n'], ['shared.txt', 'unstaged\n'], ['untracked.txt', 'untracked\n']]) {
      expect(readFileSync(join(w.path, file!), 'utf8')).toBe(text);
    }
    expect(git(dir, 'status', '--porcelain')).toBe(status);
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);

    // Each goes its own way from there.
    await run(fork, 'echo fork-only > shared.txt', 'fork');
    expect(readFileSync(join(dir, 'shared.txt'), 'utf8')).toBe('unstaged\n');
  });

  it('forks from a clean checkpoint, and refuses one taken with uncommitted changes', async () => {
    const repo = await repository();
    const source = await h.createShell({ name: 'cp-source', cwd: repo.dir, worktree: true });
    const from = h.client.events.length;
    await h.client.subscribe();
    // A checkpoint's git state is read after its reply; a checkpoint.updated event brings it.
    const gitOf = async (seq: number) =>
      (await h.client.waitForEvent((e) => e.type === 'checkpoint.updated' && e.sessionId === source.id && e.data.seq === seq, from)).data.git as { dirty: boolean } | null;
    const clean = await h.client.request(SessionCheckpointRequest, { session: source.id, label: 'clean' });
    expect((await gitOf(clean.seq))?.dirty).toBe(false);
    writeFileSync(join(source.cwd, 'wip.txt'), 'wip\n');
    const dirty = await h.client.request(SessionCheckpointRequest, { session: source.id, label: 'dirty' });
    // A fork asked for before that waits for it.
    const e = await expectError(h.client.request(SessionForkRequest, { session: source.id, checkpoint: dirty.seq }), -32003, 'invalid_state');
    expect(e.message).toContain('uncommitted changes');
    expect((await gitOf(dirty.seq))?.dirty).toBe(true);

    const fork = await h.client.request(SessionForkRequest, { session: source.id, checkpoint: clean.seq, name: 'cp-fork' });
    expect(worktreeOf(fork).baseCommit).toBe(repo.head);
    expect(existsSync(join(fork.cwd, 'wip.txt'))).toBe(false);
  });
});

describe('deleting worktree sessions', () => {
  it('removes a clean worktree with its branch, keeps one with unmerged or uncommitted work and says so; prune removes kept ones', async () => {
    const repo = await repository();
    const clean = await h.createShell({ name: 'rm-clean', cwd: repo.dir, worktree: true });
    const committed = await h.createShell({ name: 'rm-committed', cwd: repo.dir, worktree: true });
    const dirty = await h.createShell({ name: 'rm-dirty', cwd: repo.dir, worktree: true });
    writeFileSync(join(committed.cwd, 'new.txt'), 'n\n');
    git(committed.cwd, 'add', 'new.txt');
    git(committed.cwd, 'commit', '-q', '-m', 'unmerged');
    writeFileSync(join(dirty.cwd, 'shared.txt'), 'wip\n');

    const gone = (await h.client.request(SessionDeleteRequest, { session: clean.id })) as Session;
    expect(worktreeOf(gone).kept).toBe(undefined);
    expect(existsSync(clean.cwd)).toBe(false);
    expect(git(repo.dir, 'branch', '--list', 'sess/rm-clean')).toBe('');

    const keptCommits = (await h.client.request(SessionDeleteRequest, { session: committed.id })) as Session;
    expect(worktreeOf(keptCommits).kept).toContain('commits on no other branch');
    const keptDirty = (await h.client.request(SessionDeleteRequest, { session: dirty.id })) as Session;
    expect(worktreeOf(keptDirty).kept).toContain('uncommitted changes');
    expect(readFileSync(join(committed.cwd, 'new.txt'), 'utf8')).toBe('n\n');
    expect(readFileSync(join(dirty.cwd, 'shared.txt'), 'utf8')).toBe('wip\n');

    const listed = (await h.client.request(WorktreeListRequest, {})).worktrees;
    expect(listed.find((w) => w.path === committed.cwd)).toMatchObject({ session: null, branch: 'sess/rm-committed', unmerged: true, dirty: false });
    expect(listed.find((w) => w.path === dirty.cwd)).toMatchObject({ session: null, dirty: true, unmerged: false });

    const dry = await h.client.request(WorktreePruneRequest, { force: true, dryRun: true });
    expect(dry.removed).toEqual(expect.arrayContaining([committed.cwd, dirty.cwd]));
    expect(existsSync(dirty.cwd)).toBe(true);
    const careful = await h.client.request(WorktreePruneRequest, {});
    expect(careful.kept.map((k) => k.path)).toEqual(expect.arrayContaining([committed.cwd, dirty.cwd]));
    expect(existsSync(dirty.cwd)).toBe(true);

    const forced = await h.client.request(WorktreePruneRequest, { force: true });
    expect(forced.removed).toEqual(expect.arrayContaining([committed.cwd, dirty.cwd]));
    expect(existsSync(committed.cwd) || existsSync(dirty.cwd)).toBe(false);
    // The branch holding the only copy of a commit stays; the other goes.
    expect(git(repo.dir, 'branch', '--list', 'sess/rm-committed')).toContain('sess/rm-committed');
    expect(git(repo.dir, 'branch', '--list', 'sess/rm-dirty')).toBe('');
    expect(git(repo.dir, 'worktree', 'list', '--porcelain')).not.toContain(committed.cwd);
  });
});
