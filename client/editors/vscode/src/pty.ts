import * as vscode from 'vscode';
import type { SessdClient } from '../../../sdk/client.js';
import { SessionTerminal } from './core/terminal.js';

type SessionNames = { id: string; name: string; space: string };

/** The open terminals, one per session (and one more per session watched read-only), reused when asked again. */
const open = new Map<string, vscode.Terminal>();

/**
 * A session's terminal: the one already open for it, shown again, or a new one whose
 * pseudo-terminal is the session attached through sessd. `reconnected` gives the
 * connection made again after sessd restarted, for the terminal to attach again.
 */
export function openSessionTerminal(client: SessdClient, session: SessionNames, readOnly: boolean, reconnected?: () => Promise<SessdClient>): vscode.Terminal {
  const key = `${session.id}${readOnly ? '/ro' : ''}`;
  const existing = open.get(key);
  if (existing !== undefined) return existing;
  const terminal = vscode.window.createTerminal(sessionTerminalOptions(client, session, readOnly, reconnected, () => open.delete(key)));
  open.set(key, terminal);
  return terminal;
}

/** A terminal's name and pseudo-terminal for a session (also what the "sessd session" profile gives VS Code). */
export function sessionTerminalOptions(
  client: SessdClient,
  session: SessionNames,
  readOnly: boolean,
  reconnected?: () => Promise<SessdClient>,
  onGone: () => void = () => undefined,
): { name: string; pty: vscode.Pseudoterminal } {
  const terminal = new SessionTerminal(client, session.id, readOnly, reconnected);
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
            onGone();
            write.fire(`\r\n[sessd: ${message}]\r\n`);
            close.fire();
            write.dispose();
            close.dispose();
          },
        },
        dimensions === undefined ? undefined : { cols: dimensions.columns, rows: dimensions.rows },
      );
    },
    close: () => {
      onGone();
      void terminal.close();
    },
    handleInput: (data) => terminal.input(data),
    setDimensions: (dimensions) => terminal.resize({ cols: dimensions.columns, rows: dimensions.rows }),
  };
  const label = `${session.space === 'default' ? '' : `${session.space}/`}${session.name}${readOnly ? ' (read-only)' : ''}`;
  return { name: `sessd: ${label}`, pty };
}
