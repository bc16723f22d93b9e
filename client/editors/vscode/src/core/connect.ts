import { SessdClient } from '../../../../sdk/client.js';

export interface ConnectSettings {
  /** sessd's socket; empty: the SDK's default paths. */
  socket: string;
  autostart: boolean;
  /** The program to start when nothing answers (`sessd` on PATH, or a path). */
  program: string;
  version: string;
}

/** A connection to sessd for the editor, by the user's settings. */
export function connect(settings: ConnectSettings): Promise<SessdClient> {
  return SessdClient.connect({
    clientName: 'sessd-vscode',
    clientVersion: settings.version,
    ...(settings.socket === '' ? {} : { socket: settings.socket }),
    autostart: settings.autostart ? { program: settings.program } : false,
  });
}
