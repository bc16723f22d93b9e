import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { killTmuxServer, REPO } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { processesMentioning } from '../helpers/processes.js';
import { ReportServer } from '../helpers/reporter.js';
import { ScreenWatcher } from '../helpers/screen.js';
import { SESS, sessEnv } from '../helpers/sess.js';

const run = promisify(execFile);
const PROMPT = join(REPO, 'test', 'fixtures', 'approval-prompt.mjs');

const h = useDaemon();
/** A tmux server of this test's own: the terminal `sess dash` runs in (80x24, as over SSH). */
let terminal: string;
let watcher: ScreenWatcher;
const tmux = async (...args: string[]): Promise<string> => (await run('tmux', ['-S', terminal, ...args])).stdout;
const screen = (): Promise<string> => tmux('capture-pane', '-p', '-t', '=dash:');
const until = (match: (text: string) => boolean): Promise<string> => watcher.waitFor(screen, match);
const keys = (...k: string[]): Promise<string> => tmux('send-keys', '-t', '=dash:', ...k);

beforeAll(async () => {
  terminal = join(h.dir, 'terminal.sock');
  const env = Object.entries(sessEnv(h.paths)).flatMap(([k, v]) => (k.startsWith('SESSD_') || k === 'NO_COLOR' ? ['-e', `${k}=${v}`] : []));
  await run('tmux', ['-S', terminal, '-f', '/dev/null', 'new-session', '-d', '-s', 'dash', '-x', '80', '-y', '24', ...env, `${process.execPath} ${SESS} dash; echo EXITED $?; exec sleep 600`]);
  watcher = await ScreenWatcher.attach(terminal, 'dash');
});

afterAll(async () => {
  await watcher?.close();
  await killTmuxServer(terminal);
});

describe('sess dash', () => {
  it('shows sessions as they come, a waiting one first with its question, and approves it', async () => {
    await h.createShell({ name: 'alpha' });
    await until((s) => s.includes('alpha') && s.includes('1 sessions'));
    const reporter = await ReportServer.start(h.dir);
    const review = await h.client.request(SessionCreateRequest, { name: 'review', space: 'agents', command: [process.execPath, PROMPT, reporter.path], agent: 'claude' });
    await until((s) => s.includes('waiting for you (1)') && s.includes('! agents/review'));
    await keys('g'); // the top of the list: the waiting session
    const shown = await until((s) => s.includes('wants to run `rm -rf build`'));
    expect(shown).toContain('1. Yes');
    await keys('a');
    await reporter.next((r) => r.type === 'answer', 0);
    await until((s) => s.includes('approved: agents/review') && !s.includes('waiting for you'));
    expect((await h.client.request(SessionGetRequest, { session: review.id })).activity).not.toBe('waiting');
    await reporter.close();
  });

  it('filters, survives a resize, attaches and comes back', async () => {
    await keys('/', 'zzz');
    await until((s) => s.includes('nothing matches the filter'));
    await keys('C-u', 'alp', 'Enter');
    await until((s) => s.includes('filter: alp') && s.includes('alpha') && !s.includes('review'));
    await tmux('resize-window', '-t', '=dash:', '-x', '100', '-y', '30');
    const wide = await until((s) => s.split('\n')[0]!.trimEnd().length === 99);
    expect(wide.split('\n').length).toBeGreaterThanOrEqual(30);
    await keys('Enter');
    // tmux's own status line: this terminal is attached to the session.
    await until((s) => /\[\w+\] ?0:/.test(s));
    await keys('C-b', 'd');
    await until((s) => s.includes('back from alpha'));
  });

  it('reconnects when sessd restarts', async () => {
    await h.daemon.stop();
    await until((s) => s.includes('reconnecting'));
    await h.restart();
    await until((s) => s.includes('q quit') && s.includes('alpha'));
  });

  it('q exits and leaves no process', async () => {
    const dash = (): number[] => processesMentioning(`${SESS} dash`).flatMap((p) => (p.cmdline.startsWith(process.execPath) ? [p.pid] : []));
    expect(dash()).toHaveLength(1);
    await keys('q');
    await until((s) => s.includes('EXITED 0'));
    expect(dash()).toEqual([]);
  });
});
