import * as vscode from 'vscode';
import type { SessionsModel } from './core/sessions.js';

/** The status bar item: how many sessions wait for a person; hidden when none does. */
export class WaitingStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.command = 'sessd.showWaiting';
  }

  update(model: SessionsModel | undefined, connected: boolean): void {
    if (!connected) {
      this.item.text = '$(debug-disconnect) sessd';
      this.item.tooltip = 'sessd is not connected; run "sessd: Refresh" to connect';
      this.item.show();
      return;
    }
    const waiting = model?.waiting() ?? [];
    if (waiting.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(bell-dot) ${waiting.length} waiting`;
    this.item.tooltip = `Waiting for you: ${waiting.map((s) => `${s.space}/${s.name}`).join(', ')}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
