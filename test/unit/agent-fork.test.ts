import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claudeProjectDir, prepareFork } from '../../daemon/agents/fork.js';

describe('preparing a fork of an agent’s conversation', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'sessd-fork-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const id = '4b5c1ce3-f400-41b5-823d-67884bc783a0';

  it('copies a Claude conversation to the folder of the fork’s directory, leaving the source’s file alone', async () => {
    const config = join(home, '.claude');
    const source = claudeProjectDir(config, '/work/repo');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, `${id}.jsonl`), '{"turn":1}\n');
    expect(await prepareFork({ agent: 'claude', id }, '/state/worktrees/repo-1/fork', { HOME: home })).toBe(true);
    expect(claudeProjectDir(config, '/state/worktrees/repo-1/fork')).toBe(join(config, 'projects', '-state-worktrees-repo-1-fork'));
    expect(await readFile(join(claudeProjectDir(config, '/state/worktrees/repo-1/fork'), `${id}.jsonl`), 'utf8')).toBe('{"turn":1}\n');
    expect(await readFile(join(source, `${id}.jsonl`), 'utf8')).toBe('{"turn":1}\n');
  });

  it('says no when the conversation is not there, or its id is not a plain word', async () => {
    expect(await prepareFork({ agent: 'claude', id }, '/w/fork', { HOME: home })).toBe(false);
    await mkdir(join(home, 'outside'), { recursive: true });
    await writeFile(join(home, 'outside', 'x.jsonl'), 'secret\n');
    expect(await prepareFork({ agent: 'claude', id: '../../outside/x' }, '/w/fork', { CLAUDE_CONFIG_DIR: join(home, 'c') })).toBe(false);
  });

  it('needs nothing for Codex, which keeps every thread in one place', async () => {
    expect(await prepareFork({ agent: 'codex', id }, '/w/fork', { HOME: home })).toBe(true);
  });
});
