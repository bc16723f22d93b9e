import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import {
  CheckpointGetRequest,
  CheckpointListRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionKeysRequest,
  SessionRestoreRequest,
  SessionSendRequest,
  SessionStopRequest,
  SessionTranscriptRequest,
  type GitState,
  type Session,
} from '../../shared/protocol/index.js';
import { git, repository } from '../helpers/git.js';
import { useDaemon } from '../helpers/harness.js';
import { untilTranscript } from '../helpers/transcript.js';

/** Transcripts keep 64 KiB per session: a few hundred KiB of output push older output out. */
const h = useDaemon({ config: 'limits:\n  checkpoints: 5\n  transcriptBytes: 65536\n' });
/** Flushes forced (each `session/keys` waits until its mark, and all output before it, is stored) before giving up. */
const MAX_FLUSHES = 500;

/** Waits until retention dropped the session's transcript up to `offset`: each key sent makes the daemon store (and prune) what it holds. */
async function untilDroppedPast(s: Session, offset: number): Promise<void> {
  for (let i = 0; i < MAX_FLUSHES; i++) {
    await h.client.request(SessionKeysRequest, { session: s.id, keys: ['C-e'] });
    const read = await h.client.request(SessionTranscriptRequest, { session: s.id, from: 0, maxBytes: 1 });
    if (read.from > offset) return;
  }
  throw new Error(`the transcript of ${s.id} still starts at or before ${offset}`);
}

describe('a checkpoint keeps its scrollback as a transcript range', () => {
  it('that outlives the transcript retention: checkpoint/get reads it and a restore shows it above the new output', async () => {
    const s = await h.createShell({ name: 'kept' });
    await h.waitForScreen(s, (screen) => screen.startsWith('$'));
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo "early-$((6*7))"' });
    await h.waitForScreen(s, (screen) => screen.includes('\nearly-42'));
    await untilTranscript(h.client, s.id, 'early-42\r\n');
    const early = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'early' });
    expect(early.transcriptRange).toEqual({ from: 0, to: early.transcriptOffset });

    // 300 KB of output: the transcript keeps only its last 64 KiB.
    await h.client.request(SessionSendRequest, { session: s.id, text: "head -c 300000 /dev/zero | tr '\\0' x; echo; echo \"flood-$((6*7))\"" });
    await h.waitForScreen(s, (screen) => screen.includes('\nflood-42'));
    await untilDroppedPast(s, early.transcriptOffset);
    const oldest = await h.client.request(SessionTranscriptRequest, { session: s.id, from: 0, maxBytes: 1_000_000 });
    expect(oldest.data).not.toContain('early-42');

    const fetched = await h.client.request(CheckpointGetRequest, { session: s.id, seq: early.seq });
    expect(fetched.scrollback).toContain('$ echo "early-$((6*7))"\nearly-42');

    await h.client.request(SessionStopRequest, { session: s.id, force: true });
    const restored = await h.client.request(SessionRestoreRequest, { session: s.id, seq: early.seq });
    const screen = await h.waitForScreen(restored, (text) => /restored from checkpoint \d+ "early" of \S+ ──\n\$/.test(text));
    const [saved, fresh] = screen.split(/── restored from checkpoint \d+ "early" of \S+ ──\n/);
    expect(saved).toContain('$ echo "early-$((6*7))"\nearly-42');
    expect(saved).not.toContain('flood-42');
    expect(fresh).toMatch(/^\$/);
  });

  it('and a checkpoint stored with its scrollback as text, as before ranges, still restores', async () => {
    const s = await h.createShell({ name: 'older' });
    await h.waitForScreen(s, (screen) => screen.startsWith('$'));
    const written = await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'older' });
    await h.client.request(SessionStopRequest, { session: s.id, force: true });
    await h.daemon.stop();
    // What an earlier sessd stored: the pane's text, no transcript range.
    const raw = open({ path: h.paths.stateDir + '/store', maxDbs: 16, compression: false });
    const db = raw.openDB<Record<string, unknown>, [string, number]>({ name: 'checkpoints' });
    const { transcriptRange: _range, ...rest } = db.get([s.id, written.seq])!;
    await db.put([s.id, written.seq], { ...rest, scrollback: '$ echo saved-as-text\nsaved-as-text' });
    await raw.close();
    await h.restart();

    expect((await h.client.request(CheckpointGetRequest, { session: s.id, seq: written.seq })).scrollback).toBe('$ echo saved-as-text\nsaved-as-text');
    const restored = await h.client.request(SessionRestoreRequest, { session: s.id });
    const screen = await h.waitForScreen(restored, (text) => /restored from checkpoint \d+ "older" of \S+ ──\n\$/.test(text));
    expect(screen).toContain('$ echo saved-as-text\nsaved-as-text\n── restored from checkpoint');
  });
});

describe("a checkpoint's git state", () => {
  it('is read after the reply, and is right after an edit of a tracked file and after a commit', async () => {
    const repo = await repository();
    const s = await h.client.request(SessionCreateRequest, { name: 'in-repo', command: ['sleep', '1000'], cwd: repo.dir });
    const from = h.client.events.length;
    await h.client.subscribe();
    const checkpoint = async (): Promise<GitState | null> => {
      const c = await h.client.request(SessionCheckpointRequest, { session: s.id });
      expect(c).toMatchObject({ git: null, gitPending: true });
      const updated = await h.client.waitForEvent((e) => e.type === 'checkpoint.updated' && e.sessionId === s.id && e.data.seq === c.seq, from);
      const stored = await h.client.request(CheckpointGetRequest, { session: s.id, seq: c.seq });
      expect(stored.git).toEqual(updated.data.git);
      expect(stored).not.toHaveProperty('gitPending');
      return stored.git;
    };

    expect(await checkpoint()).toEqual({ head: repo.head, branch: 'main', dirty: false });
    // An edit touches neither HEAD nor the index.
    writeFileSync(join(repo.dir, 'shared.txt'), 'three\n');
    expect(await checkpoint()).toEqual({ head: repo.head, branch: 'main', dirty: true });
    git(repo.dir, 'commit', '-q', '-am', 'three');
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    expect(head).not.toBe(repo.head);
    expect(await checkpoint()).toEqual({ head, branch: 'main', dirty: false });
    const { checkpoints } = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(checkpoints.map((c) => c.git?.dirty)).toEqual([false, true, false]);
  });
});
