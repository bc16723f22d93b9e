import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import { SessionTerminal } from './core/terminal.js';

/** A VS Code terminal whose pseudo-terminal is a session attached through sessd. */
export function openSessionTerminal(client: SessdClient, session: { id: string; name: string; space: string }, readOnly: boolean): vscode.Terminal {
  const terminal = new SessionTerminal(client, session.id, readOnly);
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: (dimensions) => {
      void terminal.open(
        {
          write: (data) => write.fire(data),
          closed: (_reason, message) => {
            write.fire(`\r\n[sessd: ${message}]\r\n`);
            close.fire();
            write.dispose();
            close.dispose();
          },
        },
        dimensions === undefined ? undefined : { cols: dimensions.columns, rows: dimensions.rows },
      );
    },
    close: () => void terminal.close(),
    handleInput: (data) => terminal.input(data),
    setDimensions: (dimensions) => terminal.resize({ cols: dimensions.columns, rows: dimensions.rows }),
  };
  const label = `${session.space === 'default' ? '' : `${session.space}/`}${session.name}${readOnly ? ' (read-only)' : ''}`;
  return vscode.window.createTerminal({ name: `sessd: ${label}`, pty });
}
