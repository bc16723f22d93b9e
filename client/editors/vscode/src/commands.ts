import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import type { Session } from '../../../../shared/protocol/model.js';
import { callerEnvironment } from '../../../../shared/caller-env.js';
import type { SessionCreateParams } from '../../../../shared/protocol/session.js';
import { splitShellWords } from '../../../../shared/shell-words.js';
import { PlainText } from '../../../cli/plain-text.js';
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
  /** The connection once sessd answers again (after a restart), for terminals to attach again. */
  readonly reconnected: () => Promise<SessdClient>;
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
      const command = await vscode.window.showInputBox({ prompt: 'Command, quoted as in a shell (empty: your shell)', placeHolder: 'claude --model "opus 4"' });
      if (command === undefined) return;
      const argv = splitShellWords(command);
      if ('error' in argv) {
        void vscode.window.showErrorMessage(`sessd: cannot read the command: ${argv.error}`);
        return;
      }
      await reporting('creating a session', async () => {
        const client = await ctx.client();
        const s = await client.session.create(createParams(name, argv, ctx.remote?.() === true));
        openSessionTerminal(client, s, false, ctx.reconnected).show();
      });
    },
    'sessd.attach': onSession('attach to', (client, s) => Promise.resolve(openSessionTerminal(client, s, false, ctx.reconnected).show())),
    'sessd.attachReadOnly': onSession('watch', (client, s) => Promise.resolve(openSessionTerminal(client, s, true, ctx.reconnected).show())),
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
    'sessd.deny': onSession('deny', (client, s) => client.session.approve({ session: s.id, deny: true }), (s) => `denied ${ref(s)}`),
    'sessd.answer': async (node?: unknown) => {
      const s = await target(ctx, node, 'Session to answer');
      if (s === undefined) return;
      await reporting(`answering ${ref(s)}`, () => answer(ctx, s));
    },
    'sessd.start': onSession('start', (client, s) => client.session.start({ session: s.id }), (s) => `${ref(s)} started`),
    'sessd.restart': onSession('restart', (client, s) => client.session.restart({ session: s.id }), (s) => `${ref(s)} restarted`),
    'sessd.pause': onSession('pause', (client, s) => client.session.pause({ session: s.id }), (s) => `${ref(s)} paused`),
    'sessd.resume': onSession('resume', (client, s) => client.session.resume({ session: s.id }), (s) => `${ref(s)} resumed`),
    'sessd.suspend': onSession('suspend', (client, s) => client.session.suspend({ session: s.id }), (s) => `${ref(s)} suspended (checkpoint saved)`),
    'sessd.logs': onSession('show the output of', async (client, s) => {
      const plain = new PlainText();
      let text = '';
      for (let from: number | undefined; ; ) {
        const part = await client.session.transcript({ session: s.id, ...(from === undefined ? {} : { from }) });
        text += plain.push(part.data);
        from = part.to;
        if (part.to >= part.end) break;
      }
      const document = await vscode.workspace.openTextDocument({ content: text + plain.end(), language: 'log' });
      await vscode.window.showTextDocument(document, { preview: true });
    }),
    'sessd.rename': async (node?: unknown) => {
      const s = await target(ctx, node, 'Session to rename');
      if (s === undefined) return;
      const name = await vscode.window.showInputBox({ prompt: `New name for ${ref(s)}`, value: s.name });
      if (name === undefined || name.trim() === '' || name.trim() === s.name) return;
      await reporting(`renaming ${ref(s)}`, async () => (await ctx.client()).session.update({ session: s.id, name: name.trim() }));
    },
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
    'sessd.showWaiting': onSession('attach to', (client, s) => Promise.resolve(openSessionTerminal(client, s, false, ctx.reconnected).show()), undefined, (s) => s.activity === 'waiting'),
  };
}

/**
 * A new session's params: in the workspace's folder, with the editor's environment
 * (less what belongs to the editor and its terminal), as `sess new` would.
 */
export function createParams(name: string, argv: string[], remote = false): SessionCreateParams {
  // This machine's folder and environment mean nothing where sessd runs on another (`sessd.host`).
  const cwd = remote ? undefined : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return {
    ...(name.trim() === '' ? {} : { name: name.trim() }),
    ...(argv.length === 0 ? {} : { command: argv }),
    ...(cwd === undefined ? {} : { cwd }),
    ...(remote ? {} : { callerEnv: callerEnvironment(process.env) }),
  };
}

/** Answers the session's open question: a choice picked from its choices, or typed text (also for a prompt no profile knows). */
async function answer(ctx: CommandContext, s: Session): Promise<void> {
  const client = await ctx.client();
  const { interactions } = await client.interaction.list({ session: s.id, status: 'open' });
  const open = interactions.at(-1);
  if (open !== undefined && open.choices.length > 0) {
    const picked = await vscode.window.showQuickPick(
      open.choices.map((c) => ({ label: `${c.id}) ${c.label}`, choice: c.id })),
      { placeHolder: open.prompt },
    );
    if (picked === undefined) return;
    await client.interaction.respond({ id: open.id, choice: picked.choice });
    return;
  }
  const text = await vscode.window.showInputBox({ prompt: open?.prompt ?? `Answer for ${ref(s)} (typed, then Enter)` });
  if (text === undefined) return;
  if (open !== undefined) await client.interaction.respond({ id: open.id, text });
  else await client.session.send({ session: s.id, text, submit: true });
}
