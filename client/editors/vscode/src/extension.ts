import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import { commandTable } from './commands.js';
import { connect } from './core/connect.js';
import { SessionsModel } from './core/sessions.js';
import { WaitingStatus } from './status.js';
import { SessionsTree } from './tree.js';

/** The extension's version, as package.json says (esbuild inlines nothing from it; kept in step by hand). */
const VERSION = '0.1.0';

/**
 * Wiring only: one connection to sessd through the SDK, a model of its sessions kept
 * from events, the Sessions view, the waiting count and the commands.
 */
class Extension implements vscode.Disposable {
  private client: SessdClient | undefined;
  private model: SessionsModel | undefined;
  private connecting: Promise<SessdClient> | undefined;
  private readonly tree = new SessionsTree(() => this.model);
  private readonly status = new WaitingStatus();
  private unfollow: (() => void)[] = [];

  readonly disposables: vscode.Disposable[] = [this.tree, this.status];

  constructor() {
    this.disposables.push(vscode.window.createTreeView('sessd.sessions', { treeDataProvider: this.tree, showCollapseAll: true }));
    const table = commandTable({
      client: () => this.connected(),
      model: () => this.model,
      reconnect: () => this.reconnect(),
      remote: () => vscode.workspace.getConfiguration('sessd').get<string>('host', '') !== '',
    });
    for (const [id, run] of Object.entries(table)) this.disposables.push(vscode.commands.registerCommand(id, run));
  }

  /** The connection, made (with its model) on first use. */
  connected(): Promise<SessdClient> {
    if (this.client !== undefined && !this.client.closed) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async reconnect(): Promise<void> {
    this.close();
    await this.connected();
  }

  private async open(): Promise<SessdClient> {
    const config = vscode.workspace.getConfiguration('sessd');
    const client = await connect({
      socket: config.get<string>('socket', ''),
      autostart: config.get<boolean>('autostart', true),
      program: config.get<string>('program', 'sessd'),
      version: VERSION,
      host: config.get<string>('host', ''),
      ssh: config.get<string>('ssh', ''),
      remoteCommand: config.get<string>('remoteCommand', ''),
    });
    const model = new SessionsModel(client);
    this.unfollow = [
      this.tree.follow(model),
      model.onChange(() => this.status.update(model, true)),
      client.onClose(() => {
        if (this.client !== client) return;
        this.model = undefined;
        this.tree.refresh();
        this.status.update(undefined, false);
      }),
    ];
    this.client = client;
    this.model = model;
    await model.start();
    return client;
  }

  private close(): void {
    for (const off of this.unfollow.splice(0)) off();
    void this.model?.dispose();
    this.client?.dispose();
    this.client = undefined;
    this.model = undefined;
  }

  dispose(): void {
    this.close();
    for (const d of this.disposables) d.dispose();
  }
}

let current: Extension | undefined;

export function activate(context: vscode.ExtensionContext): Extension {
  current = new Extension();
  context.subscriptions.push(current);
  // Not connecting is reported, not fatal: "sessd: Refresh" tries again.
  current.connected().catch((error: Error) => {
    void vscode.window.showWarningMessage(`sessd: ${error.message}`);
  });
  return current;
}

export function deactivate(): void {
  current?.dispose();
  current = undefined;
}
