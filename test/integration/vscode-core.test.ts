import { describe, expect, it } from 'vitest';
import { SessdClient } from '../../client/sdk/client.js';
import { SessionsModel } from '../../client/editors/vscode/src/core/sessions.js';
import { SessionTerminal } from '../../client/editors/vscode/src/core/terminal.js';
import { plain, ptyCount, tmuxClients } from '../helpers/attach.js';
import { waitForExit } from '../helpers/daemon.js';
import { SHELL, SHELL_ENV, useDaemon } from '../helpers/harness.js';
import { Wakeable } from '../helpers/wait.js';

describe('the VS Code extension core, against a real sessd', () => {
  const h = useDaemon();

  it('keeps the sessions by space from events: created, status changes, deleted', async () => {
    const client = await SessdClient.connect({ socket: h.paths.socket });
    const model = new SessionsModel(client);
    const changes = new Wakeable();
    model.onChange(() => changes.wake());
    const early = await h.createShell({ name: 'early' });
    await model.start();
    expect(model.get(early.id)?.status).toBe('running');

    const other = await h.createShell({ name: 'agent', space: 'work' });
    const until = (check: () => boolean, what: string): Promise<true> => changes.until(() => (check() ? true : undefined), () => what);
    await until(() => model.get(other.id) !== undefined, 'the new session never appeared');
    expect(model.bySpace().map((g) => [g.space, g.sessions.map((s) => s.name)])).toEqual([
      ['default', ['early']],
      ['work', ['agent']],
    ]);
    expect(model.waiting()).toEqual([]);

    await client.session.stop({ session: other.id });
    await until(() => model.get(other.id)?.status === 'stopped', 'the stop was never seen');
    await client.session.delete({ session: other.id });
    await until(() => model.get(other.id) === undefined, 'the deletion was never seen');
    expect(model.bySpace().map((g) => g.space)).toEqual(['default']);
    await model.dispose();
    client.dispose();
  });

  it('shows a session in a terminal through session/attach, types into it, resizes it and detaches', async () => {
    const s = await h.createShell({ name: 'term' });
    const client = await SessdClient.connect({ socket: h.paths.socket });
    const terminal = new SessionTerminal(client, s.id, false);
    let output = '';
    const changed = new Wakeable();
    const closed: string[] = [];
    terminal.input('echo early-$((2*21))\r'); // typed before the terminal opened: kept, then sent
    await terminal.open(
      {
        write: (data) => {
          output += data;
          changed.wake();
        },
        closed: (reason) => {
          closed.push(reason);
          changed.wake();
        },
      },
      { cols: 90, rows: 30 },
    );
    const waitFor = (text: string): Promise<true> =>
      changed.until(() => (plain(output).includes(text) ? true : undefined), () => `never showed ${text}`);
    await waitFor('early-42');
    terminal.input('echo typed-$((3*11))\r');
    await waitFor('typed-33');
    const [mine] = (await tmuxClients(h.paths.tmuxSocket)).filter((c) => c.session === s.id);
    expect(mine).toMatchObject({ width: 90, height: 30 });
    terminal.resize({ cols: 70, rows: 20 });
    await changed.until(
      async () => ((await tmuxClients(h.paths.tmuxSocket)).some((c) => c.pid === mine!.pid && c.width === 70) ? true : undefined),
      () => 'never resized',
    );
    await terminal.close();
    await waitForExit(mine!.pid);
    expect(closed).toEqual(['detached']);
    expect(ptyCount(h.daemon.pid)).toBe(0);
    client.dispose();
  });

  it('says why a terminal cannot attach', async () => {
    const client = await SessdClient.connect({ socket: h.paths.socket });
    const created = await client.session.create({ name: 'idle', command: SHELL, env: SHELL_ENV, start: false });
    const reasons: string[] = [];
    await new SessionTerminal(client, created.id, false).open({ write: () => undefined, closed: (_r, message) => reasons.push(message) });
    expect(reasons).toEqual([expect.stringContaining('it is created')]);
    client.dispose();
  });
});
