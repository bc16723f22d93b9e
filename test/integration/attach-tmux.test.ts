import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/protocol/index.js';
import { tmux } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { sess, sessJson } from '../helpers/sess.js';

// The user's own tmux config, with a setting sessd needs turned off: sessd's wins.
const userDir = mkdtempSync(join(tmpdir(), 'sessd-tmuxconf-'));
const userConfig = join(userDir, 'tmux.conf');
writeFileSync(userConfig, 'set -g prefix C-a\nset -g remain-on-exit off\nset -g @from-user yes\n');
afterAll(() => rmSync(userDir, { recursive: true, force: true }));

const h = useDaemon({ config: `tmux:\n  userConfig: ${userConfig}\n` });

describe('attaching as a tmux user expects', () => {
  it("reads the user's tmux config behind sessd's required settings, and names no id in the status line", async () => {
    await sess(h.paths, ['new', '-n', 'conf', 'sleep', '1000']);
    const show = async (option: string): Promise<string> => (await tmux(h.paths.tmuxSocket, 'show-options', '-gv', option)).trim();
    expect(await show('prefix')).toBe('C-a');
    expect(await show('@from-user')).toBe('yes');
    expect(await show('remain-on-exit')).toBe('on');
    expect(await show('status-left')).toBe('[sessd]');
  });

  it('says what happened to an ended session instead of attaching to a dead pane', async () => {
    const s = await sessJson<Session>(h.paths, ['new', '-n', 'done', '--', 'sh', '-c', 'exit 3']);
    expect((await sess(h.paths, ['wait', 'done', '--until', 'exited', '--timeout', '30s'])).code).toBe(0);
    const attach = await sess(h.paths, ['attach', s.id]);
    expect(attach.code).toBe(1);
    expect(attach.stderr).toMatch(/^sess: done is not running: its program exited with code 3 at \S+; its output: `sess logs done`; run it again with `sess start done`\n$/);
    await sess(h.paths, ['new', '-n', 'unstarted', '--no-start', 'sleep', '1']);
    expect((await sess(h.paths, ['attach', 'unstarted'])).stderr).toContain('start it with `sess start unstarted`');
  });
});
