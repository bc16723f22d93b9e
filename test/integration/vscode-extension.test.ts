import { describe, expect, it } from 'vitest';
import type * as vscode from 'vscode';
import { SessionListRequest } from '../../shared/protocol/index.js';
import { activate, deactivate } from '../../client/editors/vscode/src/extension.js';
import type { Node } from '../../client/editors/vscode/src/tree.js';
import { plain } from '../helpers/attach.js';
import { useDaemon } from '../helpers/harness.js';
import { mock } from '../helpers/vscode-mock.js';
import { Wakeable } from '../helpers/wait.js';

describe('the VS Code extension, in a mock of the editor, against a real sessd', () => {
  const h = useDaemon();

  it('shows sessions by space, attaches a terminal, sends a message and the selection, and counts nobody waiting', async () => {
    mock.reset();
    mock.configuration = { 'sessd.socket': h.paths.socket, 'sessd.autostart': false };
    const s = await h.createShell({ name: 'ext', space: 'web' });
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    const extension = activate(context as unknown as vscode.ExtensionContext);
    await extension.connected();

    const tree = mock.treeProviders.get('sessd.sessions')!;
    const roots = (await tree.getChildren()) as Node[];
    expect(roots).toEqual([{ kind: 'space', space: 'web', count: 1 }]);
    const [node] = (await tree.getChildren(roots[0])) as Node[];
    const item = (await tree.getTreeItem(node!));
    expect({ label: item.label, description: item.description, contextValue: item.contextValue }).toEqual({
      label: 'ext',
      // With its activity once the shell's prompt has been read (it may not be yet).
      description: expect.stringMatching(/^running(, idle)?$/) as string,
      contextValue: 'session.running',
    });
    expect(mock.statusItems[0]!.visible).toBe(false);

    await mock.commands.get('sessd.attach')!(node);
    const [terminal] = mock.terminals;
    expect(terminal).toMatchObject({ name: 'sessd: web/ext', shown: true });
    let output = '';
    const changed = new Wakeable();
    terminal!.pty.onDidWrite((data) => {
      output += data;
      changed.wake();
    });
    const closed = new Promise<void>((resolve) => terminal!.pty.onDidClose!(() => resolve()));
    terminal!.pty.open({ columns: 100, rows: 30 });
    const waitFor = (text: string): Promise<true> =>
      changed.until(() => (plain(output).includes(text) ? true : undefined), () => `the terminal never showed ${text}: ${plain(output).slice(-200)}`);
    terminal!.pty.handleInput!('echo typed-$((4*4))\r');
    await waitFor('typed-16');

    mock.inputs.push('echo message-$((5*5))');
    await mock.commands.get('sessd.sendMessage')!(node);
    await waitFor('message-25');

    mock.activeTextEditor = { document: { getText: () => 'echo selection-$((6*6))' }, selection: {} };
    mock.picks.push((items) => items.find((i) => i.label === 'ext'));
    await mock.commands.get('sessd.sendSelection')!();
    await waitFor('selection-36');
    expect(mock.messages.filter((m) => m.level === 'error')).toEqual([]);

    terminal!.pty.close();
    await closed;
    expect(plain(output)).toContain('detached from');

    // A deletion reaches the tree through events.
    mock.questions.push('Delete');
    const gone = new Wakeable();
    const off = tree.onDidChangeTreeData!(() => gone.wake());
    await mock.commands.get('sessd.delete')!(node);
    await gone.until(async () => (((await tree.getChildren()) as Node[]).length === 0 ? true : undefined), () => 'the session stayed in the tree');
    off.dispose();
    expect((await h.client.request(SessionListRequest, {})).sessions.map((x) => x.id)).not.toContain(s.id);
    deactivate();
    expect(mock.commands.size).toBe(0);
  });

  it('parses a new command with shell quoting, reuses one terminal per session, offers a terminal profile, and re-attaches after sessd restarts', async () => {
    mock.reset();
    mock.configuration = { 'sessd.socket': h.paths.socket, 'sessd.autostart': false };
    const context = { subscriptions: [] as { dispose(): unknown }[] };
    const extension = activate(context as unknown as vscode.ExtensionContext);
    await extension.connected();

    mock.inputs.push('quoted', `bash --norc --noprofile -c 'echo "a b"-$((1+1)); PS1="$ " exec bash --norc --noprofile'`);
    await mock.commands.get('sessd.create')!();
    expect(mock.messages.filter((m) => m.level === 'error')).toEqual([]);
    const [created] = (await h.client.request(SessionListRequest, {})).sessions.filter((x) => x.name === 'quoted');
    expect(created!.command).toEqual(['bash', '--norc', '--noprofile', '-c', 'echo "a b"-$((1+1)); PS1="$ " exec bash --norc --noprofile']);
    expect(created!.env.PATH).toBe(process.env.PATH);
    const node: Node = { kind: 'session', session: created! };
    await mock.commands.get('sessd.attach')!(node);
    expect(mock.terminals).toHaveLength(1);
    const [terminal] = mock.terminals;
    let output = '';
    const changed = new Wakeable();
    terminal!.pty.onDidWrite((data) => {
      output += data;
      changed.wake();
    });
    terminal!.pty.open({ columns: 100, rows: 30 });
    const waitFor = (text: string): Promise<true> =>
      changed.until(() => (plain(output).includes(text) ? true : undefined), () => `the terminal never showed ${text}: ${plain(output).slice(-300)}`);
    await waitFor('a b-2');

    const profile = (await mock.terminalProfiles.get('sessd.session')!.provideTerminalProfile()) as unknown as { options: { name: string } };
    expect(profile.options.name).toMatch(/^sessd: /);

    // sessd restarts under the open terminal: it attaches again, and the tree comes back.
    expect(await h.daemon.stop()).toBe(0);
    await h.restart();
    await waitFor('attaching again once sessd answers');
    // Typed while it attaches again: kept, then sent.
    terminal!.pty.handleInput!('echo back-$((7*6))\r');
    await waitFor('back-42');
    const tree = mock.treeProviders.get('sessd.sessions')!;
    await extension.connected();
    expect(((await tree.getChildren()) as Node[]).length).toBeGreaterThan(0);
    // Asked again, the same terminal is shown.
    await mock.commands.get('sessd.attach')!(node);
    expect(mock.terminals).toHaveLength(1);
    terminal!.pty.close();
    deactivate();
  });
});
