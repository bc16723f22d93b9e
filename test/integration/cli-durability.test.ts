import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CheckpointListResult, Session, SessionGcResult, SessionTranscriptResult } from '../../shared/protocol/index.js';
import { SessionGetRequest, SessionTranscriptRequest } from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';
import { SESS, sess, sessEnv, sessJson } from '../helpers/sess.js';
import { Wakeable } from '../helpers/wait.js';

const h = useDaemon();
const run = (args: string[], options?: { input?: string }) => sess(h.paths, args, options);
const json = <T>(args: string[]) => sessJson<T>(h.paths, args);

describe('sess checkpoint, checkpoints, restore, suspend, resume', () => {
  it('saves, lists and restores checkpoints, as text and as JSON', async () => {
    const s = await json<Session>(['new', '-n', 'cp-cli', '-c', h.dir, 'bash', '--norc', '--noprofile']);
    expect(await run(['send', 'cp-cli', 'echo marker-one'])).toMatchObject({ code: 0 });
    await h.waitForScreen(s, (screen) => screen.includes('\nmarker-one'));
    const saved = await run(['checkpoint', 'cp-cli', '-m', 'first', '--context', '{"step": 1}', '--resume-prompt', 'echo resumed-ok']);
    expect(saved).toMatchObject({ code: 0, stderr: '' });
    expect(saved.stdout).toBe('checkpoint 1 saved "first"; git -\n');
    expect((await run(['checkpoint', 'cp-cli', '--context', '[1]'])).code).toBe(2);

    const table = await run(['checkpoints', 'cp-cli']);
    expect(table.stdout.split('\n')[0]).toBe('SEQ  AGE  GIT  OFFSET  LABEL');
    expect(table.stdout).toMatch(/^1 +\d+s +- +\d+ +first$/m);
    const list = await json<CheckpointListResult>(['checkpoints', 'cp-cli']);
    expect(list.checkpoints.map((c) => c.label)).toEqual(['first']);

    expect(await run(['suspend', 'cp-cli'])).toMatchObject({ code: 0, stdout: 'cp-cli: suspended (checkpointed and stopped)\n' });
    expect(await run(['resume', 'cp-cli'])).toMatchObject({ code: 0, stdout: 'cp-cli: resumed\n' });
    // The suspend checkpoint carried the resume prompt over: the shell ran it.
    await h.waitForScreen(s, (screen) => /\nresumed-ok\n/.test(screen));

    const copy = await run(['restore', 'cp-cli', '--seq', '1', '--as', 'cp-copy']);
    expect(copy).toMatchObject({ code: 0, stderr: '' });
    expect(copy.stdout).toMatch(/^restored cp-copy \(s[0-9a-z]{7}\) from checkpoint 1\n$/);
    const copied = await json<Session>(['show', 'cp-copy']);
    expect(copied).toMatchObject({ status: 'running', context: { step: 1 } });
    expect((await run(['restore', 'cp-cli', '--seq', '0'])).code).toBe(2);
    expect(await run(['restore', 'cp-cli', '--seq', '99', '--as', 'nope'])).toMatchObject({
      code: 4,
      stderr: 'sess: no checkpoint to use for default/cp-cli: it has no checkpoint 99 (list them with `sess checkpoints`, save one with `sess checkpoint`)\n',
    });
    const shown = await run(['show', 'cp-cli']);
    expect(shown.stdout).toMatch(/^checkpoint +\S+ \(\d+s ago\)$/m);
  });
});

describe('sess logs', () => {
  it('prints the transcript from an offset, and with -f goes on with new output', async () => {
    const s = await json<Session>(['new', '-n', 'logged', 'bash', '--norc', '--noprofile']);
    await run(['send', 'logged', 'echo first-line']);
    await h.waitForScreen(s, (screen) => screen.includes('\nfirst-line'));
    const whole = await h.client.request(SessionTranscriptRequest, { session: s.id });
    // --raw: the bytes as stored, which offsets count (readable text is sess logs' default, tested in cli-everyday).
    const all = await run(['logs', '--raw', 'logged']);
    expect(all.stdout.startsWith(whole.data)).toBe(true);
    const offset = whole.data.indexOf('first-line');
    const tail = await run(['logs', 'logged', '--from', String(Buffer.byteLength(whole.data.slice(0, offset)))]);
    expect(tail.stdout.startsWith('first-line')).toBe(true);
    const parts = await json<SessionTranscriptResult>(['logs', 'logged']);
    expect(parts).toMatchObject({ from: 0 });

    // -f: what is printed later arrives on stdout while it runs.
    const child = spawn(process.execPath, [SESS, 'logs', '-f', '--raw', 'logged'], { env: sessEnv(h.paths), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const arrived = new Wakeable();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      arrived.wake();
    });
    try {
      await arrived.until(() => (out.includes('first-line') ? true : undefined), () => `logs -f printed ${JSON.stringify(out)}`);
      await run(['send', 'logged', 'echo later-line']);
      await arrived.until(() => (/\rlater-line\r\n/.test(out) ? true : undefined), () => `logs -f printed ${JSON.stringify(out)}`);
      expect(out.split('first-line').length - 1).toBe(2); // the command and its output, once each
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('sess gc', () => {
  it('deletes sessions that ended long enough ago', async () => {
    const gone = await json<Session>(['new', '-n', 'gc-me', '-s', 'gc', 'sleep', '1000']);
    await run(['stop', 'gc/gc-me']);
    await json<Session>(['new', '-n', 'gc-keep', '-s', 'gc', 'sleep', '1000']);
    expect((await run(['gc'])).code).toBe(2);
    expect(await run(['gc', '--older-than', '1h'])).toMatchObject({ code: 0, stdout: 'Nothing to delete.\n' });
    const result = await json<SessionGcResult>(['gc', '--older-than', '0s']);
    expect(result.deleted).toContain(gone.id);
    await expect(h.client.request(SessionGetRequest, { session: gone.id })).rejects.toThrow('session not found');
    expect((await run(['show', 'gc/gc-keep'])).code).toBe(0);
  });
});
