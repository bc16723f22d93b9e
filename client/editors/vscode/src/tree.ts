import * as vscode from 'vscode';
import type { Session } from '../../../../shared/protocol/model.js';
import { describeSession, isWaiting, type SessionsModel } from './core/sessions.js';

export type Node = { kind: 'space'; space: string; count: number } | { kind: 'session'; session: Session };

const STATUS_ICONS: Record<Session['status'], string> = {
  created: 'circle-outline',
  running: 'play-circle',
  paused: 'debug-pause',
  suspended: 'archive',
  stopped: 'primitive-square',
  exited: 'pass',
  crashed: 'error',
};

/** The Sessions view: spaces, then their sessions with status and activity; redrawn on model changes. */
export class SessionsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  constructor(private readonly model: () => SessionsModel | undefined) {}

  /** Follows a (new) model: called after each connect. */
  follow(model: SessionsModel): () => void {
    return model.onChange(() => this.emitter.fire(undefined));
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const model = this.model();
    if (model === undefined) return [];
    if (node === undefined) return model.bySpace().map((g) => ({ kind: 'space', space: g.space, count: g.sessions.length }));
    if (node.kind === 'space') {
      return (model.bySpace().find((g) => g.space === node.space)?.sessions ?? []).map((session) => ({ kind: 'session', session }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'space') {
      const item = new vscode.TreeItem(node.space, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.count}`;
      item.contextValue = 'space';
      item.id = `space:${node.space}`;
      return item;
    }
    const { session } = node;
    const item = new vscode.TreeItem(session.name, vscode.TreeItemCollapsibleState.None);
    item.id = session.id;
    item.description = describeSession(session);
    item.tooltip = `${session.space}/${session.name} (${session.id})\n${session.command.join(' ')}\n${session.cwd}`;
    const waiting = isWaiting(session);
    item.iconPath = new vscode.ThemeIcon(waiting ? 'bell-dot' : STATUS_ICONS[session.status]);
    item.contextValue = waiting ? 'session.waiting' : `session.${session.status}`;
    item.command = { command: 'sessd.attach', title: 'Attach', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
