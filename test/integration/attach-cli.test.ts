import { spawn as spawnPty } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { plain, ptyCount, tmuxClients } from '../helpers/attach.js';
import { SESS, sessEnv } from '../helpers/sess.js';
import { useDaemon } from '../helpers/harness.js';
import { Wakeable } from '../helpers/wait.js';

/** sess's detach key on the --via-daemon path. */
const CTRL_RIGHT_BRACKET = '\x1d';

describe('sess attach --via-daemon', () => {
  const h = useDaemon();

  it('shows the session in this terminal, types into it, follows the window size and detaches on Ctrl-]', async () => {
    const s = await h.createShell({ name: 'cli' });
    const term = spawnPty(process.execPath, [SESS, 'attach', '--via-daemon', 'cli'], {
      cols: 90,
      rows: 25,
      env: sessEnv(h.paths),
    });
    let output = '';
    const changed = new Wakeable();
    term.onData((data) => {
      output += data;
      changed.wake();
    });
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = (text: string): Promise<true> =>
      changed.until(
        () => (plain(output).includes(text) ? true : undefined),
        () => `never showed ${text}: ${JSON.stringify(plain(output).slice(-300))}`,
      );

    await waitFor('[sessd] 0:cli'); // tmux's status line: the session by name, not its id
    expect((await tmuxClients(h.paths.tmuxSocket)).filter((c) => c.session === s.id)).toMatchObject([{ width: 90, height: 25 }]);
    term.write('echo typed-$((5*5))\r');
    await waitFor('typed-25');
    term.resize(100, 30);
    await changed.until(
      async () => ((await tmuxClients(h.paths.tmuxSocket)).some((c) => c.session === s.id && c.width === 100 && c.height === 30) ? true : undefined),
      () => 'the tmux client never got the new size',
    );
    term.write(CTRL_RIGHT_BRACKET);
    expect(await exited).toBe(0);
    expect(plain(output)).toContain('detached from cli');
    expect((await tmuxClients(h.paths.tmuxSocket)).filter((c) => c.session === s.id)).toEqual([]);
    expect(ptyCount(h.daemon.pid)).toBe(0);
  });
});
