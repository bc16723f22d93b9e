import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionSendRequest } from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';
import { SESS, sess, sessEnv } from '../helpers/sess.js';
import { Wakeable } from '../helpers/wait.js';

const h = useDaemon();

/** A long-running `sess` whose output is watched as it comes. */
class Follower {
  stdout = '';
  stderr = '';
  private readonly changes = new Wakeable();
  readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [SESS, ...args], { env: sessEnv(h.paths), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => ((this.stdout += d.toString()), this.changes.wake()));
    this.child.stderr!.on('data', (d: Buffer) => ((this.stderr += d.toString()), this.changes.wake()));
    this.child.once('exit', () => this.changes.wake());
  }

  waitFor(text: string): Promise<true> {
    return this.changes.until(
      () => (this.stdout.includes(text) ? true : undefined),
      () => `"${text}" in the output of a follower (exit ${String(this.child.exitCode)}): ${this.stdout} / ${this.stderr}`,
    );
  }
}

const followers: Follower[] = [];
afterAll(() => {
  for (const f of followers) f.child.kill();
});

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('following through a sessd restart', () => {
  it('sess events -f and sess logs -f reconnect and resume with no repeat and no gap', async () => {
    const s = await h.createShell({ name: 'chatty' });
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo before-$((40+2))' });
    const events = new Follower(['events', '-f', '--type', 'session.created']);
    const logs = new Follower(['logs', '-f', 'chatty']);
    followers.push(events, logs);
    await events.waitFor(' chatty ');
    await logs.waitFor('before-42');

    expect(await h.daemon.stop()).toBe(0);
    await h.restart();
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo after-$((40+3))' });
    expect((await sess(h.paths, ['new', '-n', 'later', 'sleep', '1000'])).code).toBe(0);
    await events.waitFor(' later ');
    await logs.waitFor('after-43');

    expect(count(events.stdout, ' chatty ')).toBe(1);
    expect(count(logs.stdout, 'before-42')).toBe(1);
    expect(count(logs.stdout, 'after-43')).toBe(1);
    for (const f of [events, logs]) {
      expect(f.child.exitCode).toBeNull();
      expect(f.stderr).toContain('sess: reconnected');
    }
  });

  it('sess logs --since shows only output written since then', async () => {
    const s = await h.createShell({ name: 'timed' });
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo old-$((1+1))' });
    await h.waitForScreen(s, (screen) => screen.includes('old-2'));
    const all = await sess(h.paths, ['logs', 'timed']);
    expect(all.stdout).toContain('old-2');
    const future = new Date(Date.now() + 60_000);
    const none = await sess(h.paths, ['logs', '--since', future.toISOString(), 'timed']);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).not.toContain('old-2');
    expect((await sess(h.paths, ['logs', '--since', '1h', 'timed'])).stdout).toContain('old-2');
    expect((await sess(h.paths, ['logs', '--since', 'yesterday', 'timed'])).stderr).toContain('--since takes a duration');
  });
});
