/**
 * A faithful stand-in for the parts of the `vscode` API the extension uses, with the
 * same shapes and semantics (events as functions returning Disposables, tree items,
 * status bar items, Pseudoterminal-backed terminals, commands by id). Tests drive it
 * through `mock`: answers for prompts, what was shown, the terminals made.
 */
import type * as vscode from 'vscode';

export class Disposable {
  constructor(private readonly callOnDispose: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  private disposed = false;
  readonly event = (listener: (e: T) => unknown): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(data: T): void {
    if (this.disposed) return;
    for (const l of [...this.listeners]) l(data);
  }
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export class ThemeIcon {
  constructor(readonly id: string) {}
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string;
  iconPath?: ThemeIcon;
  contextValue?: string;
  command?: vscode.Command;
  constructor(
    readonly label: string,
    readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {}
}

export interface MockStatusBarItem {
  text: string;
  tooltip: string | undefined;
  command: string | undefined;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface MockTerminal {
  name: string;
  pty: vscode.Pseudoterminal;
  shown: boolean;
  show(): void;
  dispose(): void;
}

/** What tests set and read. */
export const mock = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  treeProviders: new Map<string, vscode.TreeDataProvider<unknown>>(),
  statusItems: [] as MockStatusBarItem[],
  terminals: [] as MockTerminal[],
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string }[],
  /** Answers for showInputBox, showQuickPick (a function choosing among the items) and modal questions, in order. */
  inputs: [] as (string | undefined)[],
  picks: [] as ((items: { label: string }[]) => unknown)[],
  questions: [] as (string | undefined)[],
  configuration: {} as Record<string, unknown>,
  activeTextEditor: undefined as { document: { getText(range?: unknown): string }; selection: unknown } | undefined,
  /** Documents opened with workspace.openTextDocument, and whether each was shown. */
  documents: [] as { content: string; language: string | undefined; shown: boolean }[],
  terminalProfiles: new Map<string, { provideTerminalProfile(): Promise<TerminalProfile> }>(),
  reset(): void {
    this.terminalProfiles.clear();
    this.documents.length = 0;
    this.commands.clear();
    this.treeProviders.clear();
    this.statusItems.length = 0;
    this.terminals.length = 0;
    this.messages.length = 0;
    this.inputs.length = 0;
    this.picks.length = 0;
    this.questions.length = 0;
    this.configuration = {};
    this.activeTextEditor = undefined;
  },
};

export class TerminalProfile {
  constructor(readonly options: { name: string; pty: vscode.Pseudoterminal }) {}
}

export const window = {
  registerTerminalProfileProvider(id: string, provider: { provideTerminalProfile(): Promise<TerminalProfile> }): Disposable {
    mock.terminalProfiles.set(id, provider);
    return new Disposable(() => mock.terminalProfiles.delete(id));
  },
  createTreeView(id: string, options: { treeDataProvider: vscode.TreeDataProvider<unknown> }): Disposable {
    mock.treeProviders.set(id, options.treeDataProvider);
    return new Disposable(() => mock.treeProviders.delete(id));
  },
  createStatusBarItem(_alignment?: StatusBarAlignment, _priority?: number): MockStatusBarItem {
    const item: MockStatusBarItem = {
      text: '',
      tooltip: undefined,
      command: undefined,
      visible: false,
      show: () => void (item.visible = true),
      hide: () => void (item.visible = false),
      dispose: () => void (item.visible = false),
    };
    mock.statusItems.push(item);
    return item;
  },
  createTerminal(options: { name: string; pty: vscode.Pseudoterminal }): MockTerminal {
    const terminal: MockTerminal = {
      name: options.name,
      pty: options.pty,
      shown: false,
      show: () => void (terminal.shown = true),
      dispose: () => options.pty.close(),
    };
    mock.terminals.push(terminal);
    return terminal;
  },
  showInputBox: (): Promise<string | undefined> => Promise.resolve(mock.inputs.shift()),
  showQuickPick: <T extends { label: string }>(items: T[]): Promise<T | undefined> => Promise.resolve(mock.picks.shift()?.(items) as T | undefined),
  showInformationMessage: (text: string): Promise<undefined> => {
    mock.messages.push({ level: 'info', text });
    return Promise.resolve(undefined);
  },
  showWarningMessage: (text: string, ..._rest: unknown[]): Promise<string | undefined> => {
    mock.messages.push({ level: 'warning', text });
    return Promise.resolve(mock.questions.shift());
  },
  showErrorMessage: (text: string): Promise<undefined> => {
    mock.messages.push({ level: 'error', text });
    return Promise.resolve(undefined);
  },
  get activeTextEditor(): unknown {
    return mock.activeTextEditor;
  },
  showTextDocument(document: { shown: boolean }): Promise<undefined> {
    document.shown = true;
    return Promise.resolve(undefined);
  },
};

export const commands = {
  registerCommand(id: string, run: (...args: unknown[]) => unknown): Disposable {
    if (mock.commands.has(id)) throw new Error(`command '${id}' already exists`);
    mock.commands.set(id, run);
    return new Disposable(() => mock.commands.delete(id));
  },
  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const run = mock.commands.get(id);
    if (run === undefined) return Promise.reject(new Error(`command '${id}' not found`));
    return Promise.resolve(run(...args));
  },
};

export const workspace = {
  getConfiguration(section: string) {
    return {
      get: <T>(key: string, fallback: T): T => (mock.configuration[`${section}.${key}`] as T | undefined) ?? fallback,
    };
  },
  workspaceFolders: undefined as { uri: { fsPath: string } }[] | undefined,
  openTextDocument(options: { content?: string; language?: string }): Promise<unknown> {
    const document = { content: options.content ?? '', language: options.language, shown: false };
    mock.documents.push(document);
    return Promise.resolve(document);
  },
};
