import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Session } from '../../shared/protocol/model.js';
import type { WorktreeListResult } from '../../shared/protocol/worktree.js';
import { expectError } from '../helpers/client.js';
import { git, repository } from '../helpers/git.js';
import { SHELL, useDaemon } from '../helpers/harness.js';
import { sess, sessJson } from '../helpers/sess.js';

/** The worktree root set in the config file (under the run's root, removed with it). */
const ROOT = join(inject('testRoot'), `worktrees-${process.pid}-${Date.now().toString(36)}`, 'wt');
// The daemon's git reads no user or system config either.
const h = useDaemon({ config: `worktrees:\n  dir: ${ROOT}\n`, env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

describe('sess with worktrees', () => {
  it('new --worktree, diff, fork, worktree ls, rm keeping work, worktree prune', async () => {
    const repo = await repository();
    const created = await sess(h.paths, ['new', '-w', '-n', 'cli-a', '-c', repo.dir, '--', ...SHELL]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('on branch sess/cli-a');
    const a = await sessJson<Session>(h.paths, ['show', 'cli-a']);
    expect(a.worktree).toMatchObject({ repo: repo.dir, branch: 'sess/cli-a', baseCommit: repo.head });
    expect(a.cwd.startsWith(`${ROOT}/`)).toBe(true); // the config's worktrees.dir

    const based = await sess(h.paths, ['new', '--branch', 'topic', '--base', repo.first, '-n', 'cli-based', '-c', repo.dir, '--', ...SHELL]);
    expect(based.code, based.stderr).toBe(0);
    expect(git(repo.dir, 'rev-parse', 'topic')).toBe(repo.first);

    const refused = await sess(h.paths, ['new', '--branch', 'main', '-n', 'cli-bad', '-c', repo.dir, '--', ...SHELL]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('worktree.branch');
    expect(refused.stderr).toContain('already checked out');

    writeFileSync(join(a.cwd, 'shared.txt'), 'changed\n');
    writeFileSync(join(a.cwd, 'new.txt'), 'new\n');
    const names = await sess(h.paths, ['diff', 'cli-a', '--name-only']);
    expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual(['new.txt', 'shared.txt']);
    const patch = await sess(h.paths, ['diff', 'cli-a']);
    expect(patch.stdout).toContain('+changed');
    expect((await sess(h.paths, ['diff', 'cli-a', '--stat'])).stdout).toContain('2 files changed');

    const forked = await sess(h.paths, ['fork', 'cli-a', '-n', 'cli-b']);
    expect(forked.code, forked.stderr).toBe(0);
    expect(forked.stdout).toContain('on branch sess/cli-b');
    const b = await sessJson<Session>(h.paths, ['show', 'cli-b']);
    expect(existsSync(join(b.cwd, 'new.txt'))).toBe(true);

    const rm = await sess(h.paths, ['rm', 'cli-a']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toMatch(new RegExp(`^cli-a: deleted.*; worktree ${a.cwd} kept: it has uncommitted changes`, 'm'));

    const listed = await sessJson<WorktreeListResult>(h.paths, ['worktree', 'ls']);
    expect(listed.worktrees.find((w) => w.path === a.cwd)).toMatchObject({ session: null, dirty: true });
    expect(listed.worktrees.find((w) => w.path === b.cwd)).toMatchObject({ session: b.id });
    const table = await sess(h.paths, ['worktree', 'ls']);
    expect(table.stdout).toMatch(/SESSION\s+BRANCH\s+HEAD\s+STATE\s+PATH/);

    const careful = await sess(h.paths, ['worktree', 'prune']);
    expect(careful.stdout).toContain(`kept ${a.cwd}: it has uncommitted changes`);
    const forced = await sess(h.paths, ['worktree', 'prune', '--force']);
    expect(forced.stdout).toContain(`removed ${a.cwd}`);
    expect(existsSync(a.cwd)).toBe(false);
    expect(existsSync(b.cwd)).toBe(true); // its session still owns it
  });

  it('refuses a worktree root inside the repository', async () => {
    // A repository holding the configured root: its worktrees would be inside its working tree.
    const outer = dirname(ROOT);
    mkdirSync(outer, { recursive: true });
    git(outer, 'init', '-q', '-b', 'main');
    writeFileSync(join(outer, 'f.txt'), 'f\n');
    git(outer, 'add', 'f.txt');
    git(outer, 'commit', '-q', '-m', 'f');
    const e = await expectError(h.createShell({ name: 'inside', cwd: outer, worktree: true }), -32005, 'invalid_config');
    expect(e.message).toContain('set worktrees.dir elsewhere');
    expect(git(outer, 'branch', '--list', 'sess/*')).toBe('');
  });
});
