import { SessdClient } from '../../../../sdk/client.js';

export interface ConnectSettings {
  /** sessd's socket; empty: the SDK's default paths. */
  socket: string;
  autostart: boolean;
  /** The program to start when nothing answers (`sessd` on PATH, or a path). */
  program: string;
  version: string;
  /** Another machine's sessd, through `ssh HOST sess proxy` (`[USER@]HOST[:PORT]` or a Host of ~/.ssh/config); empty: this machine's. */
  host?: string;
  /** The ssh program for `host`; empty: `ssh`. */
  ssh?: string;
  /** The command that runs sess on `host`, as its shell reads it; empty: `sess`. */
  remoteCommand?: string;
}

/** A connection to sessd for the editor, by the user's settings: the local socket, or over ssh to `host`. */
export function connect(settings: ConnectSettings): Promise<SessdClient> {
  const common = { clientName: 'sessd-vscode', clientVersion: settings.version };
  const host = settings.host ?? '';
  if (host !== '') {
    return SessdClient.connect({
      ...common,
      ssh: {
        destination: host,
        ...(settings.ssh === undefined || settings.ssh === '' ? {} : { ssh: settings.ssh }),
        ...(settings.remoteCommand === undefined || settings.remoteCommand === '' ? {} : { remoteSess: settings.remoteCommand }),
      },
    });
  }
  return SessdClient.connect({
    ...common,
    ...(settings.socket === '' ? {} : { socket: settings.socket }),
    autostart: settings.autostart ? { program: settings.program } : false,
  });
}
