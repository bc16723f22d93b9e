import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import { reconnect } from '../../../sdk/reconnect.js';
import { commandTable, createParams } from './commands.js';
import { connect } from './core/connect.js';
import { SessionsModel } from './core/sessions.js';
import { sessionTerminalOptions } from './pty.js';
import { WaitingStatus } from './status.js';
import { SessionsTree } from './tree.js';

/** The extension's version, as package.json says (esbuild inlines nothing from it; kept in step by hand). */
const VERSION = '0.1.0';
/** The terminal profile's id, as package.json contributes it. */
const TERMINAL_PROFILE = 'sessd.session';

/**
 * Wiring only: one connection to sessd through the SDK (made again, with backoff, when
 * sessd restarts), a model of its sessions kept from events, the Sessions view, the
 * waiting count, the commands and the "sessd session" terminal profile.
 */
class Extension implements vscode.Disposable {
  private client: SessdClient | undefined;
  private model: SessionsModel | undefined;
  private connecting: Promise<SessdClient> | undefined;
  /** The connection being made again after sessd went away. */
  private reconnecting: Promise<SessdClient> | undefined;
  private readonly stopping = new AbortController();
  private readonly tree = new SessionsTree(() => this.model);
  private readonly status = new WaitingStatus();
  private unfollow: (() => void)[] = [];

  readonly disposables: vscode.Disposable[] = [this.tree, this.status];

  constructor() {
    this.disposables.push(vscode.window.createTreeView('sessd.sessions', { treeDataProvider: this.tree, showCollapseAll: true }));
    const reconnected = (): Promise<SessdClient> => this.reconnecting ?? this.connected();
    const table = commandTable({
      client: () => this.connected(),
      model: () => this.model,
      reconnect: () => this.reconnect(),
      remote: () => vscode.workspace.getConfiguration('sessd').get<string>('host', '') !== '',
      reconnected,
    });
    for (const [id, run] of Object.entries(table)) this.disposables.push(vscode.commands.registerCommand(id, run));
    // A new terminal of this profile is a new session running the user's shell, kept by sessd.
    this.disposables.push(
      vscode.window.registerTerminalProfileProvider(TERMINAL_PROFILE, {
        provideTerminalProfile: async () => {
          const client = await this.connected();
          const s = await client.session.create(createParams('', []));
          return new vscode.TerminalProfile(sessionTerminalOptions(client, s, false, reconnected));
        },
      }),
    );
  }

  /**
   * The connection, made (with its model) on first use. While it is being made again
   * after sessd went away, a command fails at once rather than wait; Refresh forces
   * an attempt.
   */
  connected(force = false): Promise<SessdClient> {
    if (this.client !== undefined && !this.client.closed) return Promise.resolve(this.client);
    if (this.reconnecting !== undefined && !force) return Promise.reject(new Error('sessd is not answering; trying again in the background'));
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async reconnect(): Promise<void> {
    this.close();
    await this.connected(true);
  }

  /** Connects; `again`: after sessd went away, so nothing is started (a restarted sessd answers by itself). */
  private async open(again = false): Promise<SessdClient> {
    const config = vscode.workspace.getConfiguration('sessd');
    const client = await connect({
      socket: config.get<string>('socket', ''),
      autostart: !again && config.get<boolean>('autostart', true),
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
        for (const off of this.unfollow.splice(0)) off();
        this.client = undefined;
        this.model = undefined;
        this.tree.refresh();
        this.status.update(undefined, false);
        this.reconnectSoon();
      }),
    ];
    this.client = client;
    this.model = model;
    await model.start();
    return client;
  }

  /** Connects again with backoff until sessd answers; "sessd: Refresh" is the way out of a failure other than sessd being away. */
  private reconnectSoon(): void {
    if (this.reconnecting !== undefined || this.stopping.signal.aborted) return;
    // A Refresh may connect first: then that connection is the one.
    const again = reconnect(() => (this.client !== undefined && !this.client.closed ? Promise.resolve(this.client) : this.open(true)), { signal: this.stopping.signal });
    this.reconnecting = again;
    again.then(
      () => (this.reconnecting = undefined),
      () => (this.reconnecting = undefined), // stopped by dispose, or refused: a person's Refresh tries again
    );
  }

  private close(): void {
    for (const off of this.unfollow.splice(0)) off();
    void this.model?.dispose();
    this.client?.dispose();
    this.client = undefined;
    this.model = undefined;
  }

  dispose(): void {
    this.stopping.abort();
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
