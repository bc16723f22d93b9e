import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import type { Session } from '../../../../shared/protocol/model.js';
import type { SessionsModel } from './core/sessions.js';
import { openSessionTerminal } from './pty.js';
import type { Node } from './tree.js';

/** What the commands need from the extension: the live connection and model, if any. */
export interface CommandContext {
  client(): Promise<SessdClient>;
  model(): SessionsModel | undefined;
  reconnect(): Promise<void>;
  /** True when sessd runs on another machine (`sessd.host`): this one's folders mean nothing there. */
  remote?(): boolean;
}

/** A session given by the tree (a node), or picked by the person. */
async function target(ctx: CommandContext, node: unknown, placeHolder: string, filter: (s: Session) => boolean = () => true): Promise<Session | undefined> {
  const given = node as Node | undefined;
  if (given?.kind === 'session') return given.session;
  const sessions = (ctx.model()?.all() ?? []).filter(filter);
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage('sessd: no session to choose from');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    sessions.map((s) => ({ label: s.name, description: `${s.space} · ${s.status}${s.activity === 'unknown' ? '' : ` · ${s.activity}`}`, session: s })),
    { placeHolder },
  );
  return picked?.session;
}

/** Runs `fn`, turning a failure into an error message that says what failed. */
async function reporting(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    void vscode.window.showErrorMessage(`sessd: ${what} failed: ${(error as Error).message}`);
  }
}

function ref(s: Session): string {
  return `${s.space}/${s.name}`;
}

/** Every command of the extension, by id (as package.json contributes them). */
export function commandTable(ctx: CommandContext): Record<string, (...args: unknown[]) => Promise<void>> {
  const onSession = (what: string, act: (client: SessdClient, s: Session) => Promise<unknown>, done?: (s: Session) => string, filter?: (s: Session) => boolean) =>
    async (node?: unknown): Promise<void> => {
      const s = await target(ctx, node, `Session to ${what}`, filter);
      if (s === undefined) return;
      await reporting(`${what} ${ref(s)}`, async () => {
        await act(await ctx.client(), s);
        if (done !== undefined) void vscode.window.showInformationMessage(`sessd: ${done(s)}`);
      });
    };
  return {
    'sessd.refresh': () => reporting('connecting', () => ctx.reconnect()),
    'sessd.create': async () => {
      const name = await vscode.window.showInputBox({ prompt: 'Session name (empty: sessd picks one)', placeHolder: 'review' });
      if (name === undefined) return;
      const command = await vscode.window.showInputBox({ prompt: 'Command (empty: your shell)', placeHolder: 'claude' });
      if (command === undefined) return;
      const cwd = ctx.remote?.() === true ? undefined : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      await reporting('creating a session', async () => {
        const client = await ctx.client();
        const s = await client.session.create({
          ...(name.trim() === '' ? {} : { name: name.trim() }),
          ...(command.trim() === '' ? {} : { command: command.trim().split(/\s+/) }),
          ...(cwd === undefined ? {} : { cwd }),
        });
        openSessionTerminal(client, s, false).show();
      });
    },
    'sessd.attach': onSession('attach to', (client, s) => Promise.resolve(openSessionTerminal(client, s, false).show())),
    'sessd.attachReadOnly': onSession('watch', (client, s) => Promise.resolve(openSessionTerminal(client, s, true).show())),
    'sessd.sendSelection': async () => {
      const editor = vscode.window.activeTextEditor;
      const text = editor === undefined ? '' : editor.document.getText(editor.selection);
      if (text === '') {
        void vscode.window.showInformationMessage('sessd: select the text to send first');
        return;
      }
      await onSession('send the selection to', (client, s) => client.session.send({ session: s.id, text }), (s) => `sent to ${ref(s)}`)();
    },
    'sessd.sendMessage': async (node?: unknown) => {
      const s = await target(ctx, node, 'Session to message');
      if (s === undefined) return;
      const text = await vscode.window.showInputBox({ prompt: `Message for ${ref(s)} (typed, then Enter)` });
      if (text === undefined || text === '') return;
      await reporting(`sending to ${ref(s)}`, async () => (await ctx.client()).session.send({ session: s.id, text }));
    },
    'sessd.interrupt': onSession('interrupt', (client, s) => client.session.interrupt({ session: s.id })),
    'sessd.approve': onSession('approve', (client, s) => client.session.approve({ session: s.id }), (s) => `approved ${ref(s)}`),
    'sessd.checkpoint': onSession('checkpoint', (client, s) => client.session.checkpoint({ session: s.id }), (s) => `checkpoint of ${ref(s)} saved`),
    'sessd.restore': onSession('restore', (client, s) => client.session.restore({ session: s.id }), (s) => `${ref(s)} restored`),
    'sessd.stop': onSession('stop', (client, s) => client.session.stop({ session: s.id }), (s) => `${ref(s)} stopped`),
    'sessd.delete': async (node?: unknown) => {
      const s = await target(ctx, node, 'Session to delete');
      if (s === undefined) return;
      const answer = await vscode.window.showWarningMessage(`Delete ${ref(s)}? Its program is stopped and its history removed.`, { modal: true }, 'Delete');
      if (answer !== 'Delete') return;
      await reporting(`deleting ${ref(s)}`, async () => (await ctx.client()).session.delete({ session: s.id }));
    },
    'sessd.diff': onSession('show the changes of', async (client, s) => {
      const { diff, base } = await client.session.diff({ session: s.id });
      const header = `# ${ref(s)}: changes since ${base.slice(0, 12)} (commits, staged, unstaged and untracked files)\n`;
      const document = await vscode.workspace.openTextDocument({ content: diff === '' ? `${header}# nothing changed\n` : header + diff, language: 'diff' });
      await vscode.window.showTextDocument(document, { preview: true });
    }),
    'sessd.showWaiting': onSession('attach to', (client, s) => Promise.resolve(openSessionTerminal(client, s, false).show()), undefined, (s) => s.activity === 'waiting'),
  };
}
