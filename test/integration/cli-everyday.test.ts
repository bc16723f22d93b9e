import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message, MessageListResult, Session } from '../../shared/protocol/index.js';
import { COMMANDS } from '../../client/cli/registry.js';
import { useDaemon } from '../helpers/harness.js';
import { SESS, sess, sessEnv, sessJson, type SessResult } from '../helpers/sess.js';

const h = useDaemon();
const run = (args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }) => sess(h.paths, args, options);
const json = <T>(args: string[]) => sessJson<T>(h.paths, args);

/** Starts `sess ARGS` and hands back its result once it ends, for commands that wait. */
function start(args: string[]): Promise<SessResult> {
  const child = spawn(process.execPath, [SESS, ...args], { env: sessEnv(h.paths), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a CLI that teaches', () => {
  it('lists every command in sess --help, under its group, and explains each one', async () => {
    const main = await run(['--help']);
    expect(main.code).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toContain(`\n  ${c.name} `);
    for (const group of ['Sessions:', 'Answering:', 'Checkpoints:', 'Templates and spaces:', 'sessd itself:']) expect(main.stdout).toContain(`\n${group}\n`);
    const viaHelp = await run(['help', 'wait']);
    expect(viaHelp).toMatchObject({ code: 0, stdout: (await run(['wait', '--help'])).stdout });
    expect(viaHelp.stdout).toContain('Exit codes: 0 the state was reached; 5 --timeout ran out first');
    const daemon = await run(['daemon', '--help']);
    expect(daemon.code).toBe(0);
    for (const sub of ['status', 'start', 'stop', 'install', 'uninstall', 'metrics']) expect(daemon.stdout).toContain(`  daemon ${sub} `);
    expect((await run(['help', 'daemon'])).stdout).toBe(daemon.stdout);
    const completion = await run(['completion', '--help']);
    expect(completion.stdout).toContain('Usage: sess completion');
    expect(completion.stdout).not.toContain('--get-yargs-completions');
    expect((await run(['help', 'completion'])).stdout).toBe(completion.stdout);
  });

  it('says what was probably meant: commands, options and status names', async () => {
    expect(await run(['lss'])).toMatchObject({ code: 2, stderr: 'sess: unknown command "lss"; did you mean "ls"? (see sess --help)\n' });
    expect((await run(['daemon', 'stauts'])).stderr).toContain('did you mean "sess daemon status"?');
    expect((await run(['ls', '--wdie'])).stderr).toBe('sess: unknown option --wdie for sess ls; did you mean --wide? (see sess ls --help)\n');
    expect((await run(['ls', '--status', 'runing'])).stderr).toContain('(got "runing"; did you mean running?)');
    expect((await run(['messages', '--status', 'queud'])).stderr).toContain('did you mean queued?');
  });

  it('spells ls the same for every list, and keeps the old spellings', async () => {
    await run(['template', 'set', '-n', 'lister', '--', 'sleep', '1000']);
    const ls = await run(['template', 'ls']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('lister  sleep 1000');
    expect((await run(['templates'])).stdout).toBe(ls.stdout);
    expect((await run(['space', 'ls'])).stdout).toBe((await run(['spaces'])).stdout);
    expect((await run(['provider', 'ls'])).stdout).toContain('tmux  available');
  });

  it('takes durations in words, and plain milliseconds as before', async () => {
    await run(['new', '-n', 'busy', '-s', 'dur', '--no-start', 'sleep', '1000']);
    const before = Date.now();
    const m = await json<Message>(['send', '--when', 'idle', '--expires', '10m', 'dur/busy', 'later']);
    expect(Date.parse(m.expiresAt!) - before).toBeGreaterThanOrEqual(600_000 - 1_000);
    expect(Date.parse(m.expiresAt!) - before).toBeLessThan(600_000 + 60_000);
    const ms = await json<Message>(['send', '--when', 'idle', '--expires', '5000', 'dur/busy', 'soon']);
    expect(Date.parse(ms.expiresAt!) - Date.parse(ms.createdAt)).toBe(5_000);
    expect((await run(['send', '--when', 'idle', '--expires', '10 minutes', 'dur/busy', 'x'])).stderr).toContain('--expires takes a duration such as');
    expect((await run(['gc', '--older-than', '7x'])).stderr).toContain('--older-than takes a duration');
  });

  it('prints names, not ids, for actions on many sessions', async () => {
    const [one] = await Promise.all(['one', 'two'].map((name) => json<Session>(['new', '-n', name, '-s', 'many', 'sleep', '1000'])));
    expect(await run(['send', one!.id, 'by id'])).toMatchObject({ code: 0, stdout: 'sent to many/one\n' });
    const stopped = await run(['stop', '-s', 'many', '--timeout', '5s']);
    expect(stopped.stdout.split('\n').filter(Boolean).sort()).toEqual(['many/one: stopped', 'many/two: stopped']);
    const gc = await run(['gc', '--older-than', '0s', '--status', 'stopped']);
    expect(gc.stdout).toMatch(/^deleted 2 sessions: many\/(one many\/two|two many\/one)\n$/);
  });
});

describe("the caller's environment", () => {
  it('runs the program with the caller\'s variables and PATH, less its terminal\'s; --clean-env opts out', async () => {
    const bin = join(h.dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'only-here'), '#!/bin/sh\necho "found, FOO=[$FOO]"\nexec sleep 1000\n', { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, FOO: 'x', TMUX: '/tmp/not-this,1,0', WINDOWID: '7' };
    const found = await run(['--json', 'new', '-n', 'inherits', 'only-here'], { env });
    expect(found.code).toBe(0);
    const s = JSON.parse(found.stdout) as Session;
    expect(s.env).toMatchObject({ FOO: 'x', PATH: env.PATH });
    for (const dropped of ['TMUX', 'WINDOWID', 'SESSD_SOCKET', 'TERM']) expect(s.env[dropped]).toBeUndefined();
    await h.waitForScreen(s, (screen) => screen.includes('found, FOO=[x]'));
    const clean = await json<Session>(['new', '-n', 'clean', '--clean-env', '--', 'sh', '-c', 'echo "FOO=[$FOO]"; exec sleep 1000']);
    await h.waitForScreen(clean, (screen) => screen.includes('FOO=[]'));
    expect(await run(['new', '-n', 'not-found', '--clean-env', 'only-here'], { env })).toMatchObject({ code: 2 });
  });
});

describe('sess wait', () => {
  it('returns 0 once the state is reached, 5 on timeout, 1 when it cannot come', async () => {
    await run(['new', '-n', 'waiter', '--', 'sh', '-c', 'read line; exit 3']);
    expect(await run(['wait', 'waiter', '--until', 'running'])).toMatchObject({ code: 0, stdout: 'waiter: running\n' });
    const waiting = start(['wait', 'waiter', '--until', 'exited', '--timeout', '1m']);
    await run(['send', 'waiter', 'go']);
    expect(await waiting).toMatchObject({ code: 0, stdout: 'waiter: exited\n', stderr: '' });
    expect(await run(['wait', 'waiter', '--until', 'idle'])).toMatchObject({ code: 1, stderr: 'sess: waiter will not be idle: it is exited and will not run again by itself\n' });
    await run(['new', '-n', 'sleeper', 'sleep', '1000']);
    const timedOut = await run(['wait', 'sleeper', '-u', 'exited', '-t', '300ms']);
    expect(timedOut).toMatchObject({ code: 5, stderr: expect.stringMatching(/^sess: timed out waiting for sleeper to be exited \(it is running, \w+\)\n$/) as unknown });
    expect((await run(['wait', 'sleeper'])).code).toBe(2);
    expect((await run(['wait', 'nobody', '-u', 'idle'])).code).toBe(4);
  });
});

describe('sess logs', () => {
  it('prints readable text by default, bytes with --raw, and the last lines with --tail', async () => {
    const script = "printf '\\033[31mred\\033[0m \\033]0;a title\\007pla\\033(Bin\\n'; printf 'progress 10%%\\rprogress 100%%\\nDONE\\n'; exec sleep 1000";
    const s = await json<Session>(['new', '-n', 'colourful', '--', 'sh', '-c', script]);
    await h.waitForScreen(s, (screen) => screen.includes('DONE'));
    const plain = await run(['logs', 'colourful']);
    expect(plain.stdout).toContain('red plain\nprogress 100%\nDONE\n');
    expect(plain.stdout).not.toContain('\u001b');
    expect(plain.stdout).not.toContain('\r');
    expect((await run(['logs', '--raw', 'colourful'])).stdout).toContain('\u001b[31mred');
    expect((await run(['logs', '--tail', '2', 'colourful'])).stdout).toBe('progress 100%\nDONE\n');
  });
});

describe('sess messages', () => {
  it('lists queued messages with names and cancels one', async () => {
    await run(['new', '-n', 'later', '-s', 'msg', '--no-start', 'sleep', '1000']);
    const m = await json<Message>(['send', '--when', 'idle', 'msg/later', 'do this once idle']);
    const list = await run(['messages', 'msg/later']);
    expect(list.stdout).toMatch(new RegExp(`^${m.id} +msg/later +queued +\\d+s +do this once idle$`, 'm'));
    expect(await run(['messages', 'cancel', m.id])).toMatchObject({ code: 0, stdout: `cancelled ${m.id} for msg/later: do this once idle\n` });
    const after = await json<MessageListResult>(['messages', 'msg/later']);
    expect(after.messages.find((x) => x.id === m.id)).toMatchObject({ status: 'cancelled' });
    expect(await run(['messages', 'cancel', m.id])).toMatchObject({ code: 1, stderr: `sess: cannot cancel message ${m.id}: it is cancelled (invalid_state)\n` });
    expect((await run(['messages', 'cancel', 'mnothing'])).code).toBe(4);
  });
});

describe('sess answer, update, stop && start', () => {
  it('types an answer into a prompt no profile knows', async () => {
    const s = await json<Session>(['new', '-n', 'asker', '--', 'bash', '--norc', '--noprofile', '-c', 'read -p "Your name: " n; echo "hello, $n"; exec sleep 1000']);
    await h.waitForScreen(s, (screen) => screen.includes('Your name:'));
    const answered = await run(['answer', 'asker', '--text', 'Ada']);
    expect(answered.code).toBe(0);
    await h.waitForScreen(s, (screen) => screen.includes('hello, Ada'));
  });

  it('renames a session and changes its restart policy', async () => {
    await run(['new', '-n', 'old-name', '-s', 'upd', 'sleep', '1000']);
    await run(['new', '-n', 'taken', '-s', 'upd', 'sleep', '1000']);
    const renamed = await json<Session>(['update', 'upd/old-name', '--name', 'new-name', '--restart', 'on-failure']);
    expect(renamed).toMatchObject({ name: 'new-name', space: 'upd', restartPolicy: 'on-failure' });
    expect((await run(['show', 'upd/old-name'])).code).toBe(4);
    expect((await json<Session>(['show', 'upd/new-name'])).id).toBe(renamed.id);
    const clash = await run(['update', 'upd/new-name', '--name', 'taken']);
    expect(clash).toMatchObject({ code: 1, stderr: 'sess: duplicate session: upd/taken (session_exists)\n' });
    // The old name is free again.
    expect((await run(['new', '-n', 'old-name', '-s', 'upd', 'sleep', '1000'])).code).toBe(0);
  });

  it('stops and starts a session whose program already exited', async () => {
    await run(['new', '-n', 'api', '--', 'sh', '-c', 'echo served; exit 0']);
    expect((await run(['wait', 'api', '--until', 'exited', '--timeout', '30s'])).code).toBe(0);
    const stop = await run(['stop', 'api']);
    expect(stop).toMatchObject({ code: 0, stdout: 'api: not running (exited)\n' });
    const start = await run(['start', 'api']);
    expect(start).toMatchObject({ code: 0, stdout: 'api: started\n' });
  });
});
