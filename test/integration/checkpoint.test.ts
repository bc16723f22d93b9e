import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import {
  CheckpointGetRequest,
  CheckpointListRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionGcRequest,
  SessionGetRequest,
  SessionSendRequest,
  SessionStopRequest,
  SessionSuspendRequest,
  SessionTranscriptRequest,
  type Checkpoint,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { killTmuxServer, tempDir } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { untilTranscript } from '../helpers/transcript.js';

const h = useDaemon({ config: 'limits:\n  checkpoints: 3\n' });

/** A git repository with one commit and an uncommitted change, on branch `work`. */
async function repository(): Promise<{ dir: string; head: string }> {
  const dir = await tempDir('repo');
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'work');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  git('add', 'a.txt');
  git('commit', '-q', '-m', 'one');
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  return { dir, head: git('rev-parse', 'HEAD') };
}

describe('checkpoints', () => {
  it('are written with the screen, the context, the command and the git state, then listed and fetched', async () => {
    const repo = await repository();
    const s = await h.createShell({ name: 'cp', cwd: repo.dir, context: { task: 'T-1', notes: { a: 1 } } });
    await h.waitForScreen(s, (screen) => screen.startsWith('$'));
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo "saved;#{line}"' });
    await h.waitForScreen(s, (screen) => screen.includes('\nsaved;#{line}'));
    await untilTranscript(h.client, s.id, 'saved;#{line}\r\n'); // the checkpoint keeps what the transcript holds
    const from = h.client.events.length;
    await h.client.subscribe();
    const written = await h.client.request(SessionCheckpointRequest, {
      session: s.id,
      label: 'before lunch',
      context: { notes: { b: 2 } },
      resumePrompt: 'carry on',
    });
    expect(written).toMatchObject({
      sessionId: s.id,
      seq: 1,
      label: 'before lunch',
      context: { task: 'T-1', notes: { a: 1, b: 2 } },
      resumePrompt: 'carry on',
      command: s.command,
      cwd: repo.dir,
      env: s.env,
      // Read after the reply: a checkpoint.updated event brings it.
      git: null,
      gitPending: true,
    });
    expect(written).not.toHaveProperty('scrollback');
    const updated = await h.client.waitForEvent((e) => e.type === 'checkpoint.updated' && e.sessionId === s.id, from);
    expect(updated.data).toMatchObject({ seq: 1, git: { head: repo.head, branch: 'work', dirty: true } });
    expect(updated.data).not.toHaveProperty('gitPending');
    const end = (await h.client.request(SessionTranscriptRequest, { session: s.id, maxBytes: 1 })).end;
    expect(written.transcriptOffset).toBeGreaterThan(0);
    expect(written.transcriptOffset).toBeLessThanOrEqual(end);
    const event = await h.client.waitForEvent((e) => e.type === 'checkpoint.created', from);
    expect(event).toMatchObject({ sessionId: s.id, data: { seq: 1, label: 'before lunch' } });
    expect((await h.client.request(SessionGetRequest, { session: s.id })).lastCheckpointAt).toBe(written.createdAt);

    const fetched = await h.client.request(CheckpointGetRequest, { session: s.id, seq: 1 });
    const { gitPending: _pending, ...rest } = written;
    expect(fetched).toMatchObject({ ...rest, git: updated.data.git });
    expect(fetched).not.toHaveProperty('gitPending');
    expect(fetched.scrollback).toContain('$ echo "saved;#{line}"\nsaved;#{line}');
    const list = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(list).toEqual({
      checkpoints: [{ sessionId: s.id, seq: 1, label: 'before lunch', createdAt: written.createdAt, transcriptOffset: written.transcriptOffset, git: updated.data.git }],
      unreadable: [],
    });
    // Outside a repository there is no git state.
    const plain = await h.createShell({ name: 'plain', cwd: await tempDir('plain') });
    expect((await h.client.request(SessionCheckpointRequest, { session: plain.id })).git).toBeNull();
  });

  it('keep a bounded number of generations, dropping the oldest', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'gens', command: ['sleep', '1000'] });
    for (let i = 1; i <= 5; i++) await h.client.request(SessionCheckpointRequest, { session: s.id, label: `g${i}` });
    const { checkpoints } = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(checkpoints.map((c) => [c.seq, c.label])).toEqual([
      [3, 'g3'],
      [4, 'g4'],
      [5, 'g5'],
    ]);
    await expectError(h.client.request(CheckpointGetRequest, { session: s.id, seq: 1 }), -32006, 'checkpoint_not_found');
  });

  it('survive sessd killed with SIGKILL right after the reply', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'durable', command: ['sleep', '1000'] });
    const written = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'acked', context: { step: 7 } });
    await h.daemon.kill9();
    await h.restart();
    const fetched = await h.client.request(CheckpointGetRequest, { session: s.id, seq: written.seq });
    expect(fetched).toMatchObject({ ...written });
    expect((await h.client.request(SessionGetRequest, { session: s.id })).lastCheckpointAt).toBe(written.createdAt);
  });

  it('refuse bad input, a session with no screen, and never lose the previous checkpoint', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'guarded', command: ['sleep', '1000'] });
    const good = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'good', resumePrompt: 'resume' });
    await expectError(h.client.raw('session/checkpoint', { session: s.id, context: ['not', 'an', 'object'] }), -32602);
    await expectError(h.client.raw('session/checkpoint', { session: s.id, resumePrompt: 'nul\u0000inside' }), -32602);
    await expectError(h.client.raw('session/checkpoint', { session: s.id, resumePrompt: '' }), -32602);
    await expectError(h.client.raw('checkpoint/get', { session: s.id, seq: 0 }), -32602);
    // The tmux server dies: the session is crashed and has no screen; nothing is saved empty.
    const crashed = h.client.events.length;
    await h.client.subscribe();
    await killTmuxServer(h.paths.tmuxSocket);
    await h.client.waitForEvent((e) => e.type === 'session.status' && e.sessionId === s.id && e.data.status === 'crashed', crashed);
    const refused = await expectError(h.client.request(SessionCheckpointRequest, { session: s.id }), -32003, 'invalid_state');
    expect(refused.message).toContain('no screen');
    const list = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(list.checkpoints.map((c) => c.seq)).toEqual([good.seq]);
    expect(await h.client.request(CheckpointGetRequest, { session: s.id, seq: good.seq })).toMatchObject({ ...good });
  });

  it('skip a damaged record: it is listed as unreadable, never used, and numbers go on after it', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'damaged', command: ['sleep', '1000'] });
    const good = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'good' });
    await h.daemon.stop();
    // Two damaged records after the good one: garbage, and a checkpoint emptied of its command.
    const raw = open({ path: h.paths.stateDir + '/store', maxDbs: 16, compression: false });
    const db = raw.openDB<unknown, [string, number]>({ name: 'checkpoints' });
    const stored = db.get([s.id, good.seq]) as Checkpoint & { scrollback: string };
    await db.put([s.id, good.seq + 1], { garbage: true });
    await db.put([s.id, good.seq + 2], { ...stored, seq: good.seq + 2, command: [] });
    await raw.close();
    await h.restart();
    const list = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(list).toMatchObject({ checkpoints: [{ seq: good.seq, label: 'good' }], unreadable: [good.seq + 1, good.seq + 2] });
    await expectError(h.client.request(CheckpointGetRequest, { session: s.id, seq: good.seq + 2 }), -32006, 'checkpoint_not_found');
    const next = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'after' });
    expect(next.seq).toBe(good.seq + 3);
    expect(h.daemon.logs.some((l) => l.msg === 'unreadable checkpoint skipped' && l.seq === good.seq + 1)).toBe(true);
  });

  it('answer checkpoint_not_found and session_not_found clearly', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'none-yet', command: ['sleep', '1000'] });
    const e = await expectError(h.client.raw('session/restore', { session: s.id }), -32006, 'checkpoint_not_found');
    expect(e.message).toBe('no checkpoint to use for default/none-yet: it has no checkpoint');
    await expectError(h.client.raw('checkpoint/list', { session: 'nobody' }), -32001, 'session_not_found');
  });
});

describe('session/gc', () => {
  it('removes ended sessions with their checkpoints and transcripts, and keeps live and suspended ones', async () => {
    const old = await h.client.request(SessionCreateRequest, { name: 'gc-old', space: 'gc', command: ['sleep', '1000'] });
    await h.client.request(SessionCheckpointRequest, { session: old.id });
    await h.client.request(SessionStopRequest, { session: old.id });
    const live = await h.client.request(SessionCreateRequest, { name: 'gc-live', space: 'gc', command: ['sleep', '1000'] });
    const held = await h.client.request(SessionCreateRequest, { name: 'gc-held', space: 'gc', command: ['sleep', '1000'] });
    await h.client.request(SessionSuspendRequest, { session: held.id });
    expect(await h.client.request(SessionGcRequest, { olderThan: '1h' })).toEqual({ deleted: [] });
    await expectError(h.client.raw('session/gc', { olderThan: 'soon' }), -32602);

    const { deleted } = await h.client.request(SessionGcRequest, { olderThan: '0s' });
    expect(deleted).toContain(old.id);
    expect(deleted).not.toContain(live.id);
    expect(deleted).not.toContain(held.id);
    await expectError(h.client.raw('checkpoint/list', { session: old.id }), -32001, 'session_not_found');
    expect((await h.client.request(SessionGetRequest, { session: live.id })).status).toBe('running');
    // Nothing of it is left in either store.
    await h.daemon.stop();
    const store = open({ path: h.paths.stateDir + '/store', maxDbs: 16, compression: false });
    const transcripts = open({ path: h.paths.stateDir + '/transcripts', maxDbs: 8, compression: false });
    try {
      const keys = [...store.openDB<unknown, [string, number]>({ name: 'checkpoints' }).getKeys({ start: [old.id, 0], end: [old.id, Number.MAX_SAFE_INTEGER] })];
      expect(keys).toEqual([]);
      expect(transcripts.openDB({ name: 'meta' }).get(old.id)).toBeUndefined();
      expect(transcripts.openDB<unknown, [string, number]>({ name: 'chunks' }).getKeys({ start: [old.id, 0], end: [old.id, Number.MAX_SAFE_INTEGER] }).asArray).toEqual([]);
    } finally {
      await store.close();
      await transcripts.close();
    }
    await h.restart();
  });
});
