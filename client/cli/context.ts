import { SessdClient } from '../sdk/client.js';
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import type { Globals } from './options.js';
import { Output } from './output.js';

/**
 * What a command gets besides its own input: the command's name, output, and a way
 * to reach the daemon, shaped by the global options.
 */
export class Context {
  readonly out = new Output();
  private client: SessdClient | undefined;

  constructor(
    /** The command as typed, e.g. `rm` or `daemon status`. */
    readonly command: string,
    private readonly globals: Globals,
  ) {}

  get json(): boolean {
    return this.globals.json;
  }

  /** The daemon socket the user named (--socket), if any. */
  get socket(): string | undefined {
    return this.globals.socket;
  }

  /**
   * Connects (starting sessd when nothing answers, unless --no-autostart or
   * `autostart: false`: a command about sessd itself must not start one).
   */
  async connect(options: { autostart?: boolean } = {}): Promise<SessdClient> {
    if (this.client !== undefined) return this.client;
    const autostart = options.autostart !== false && !this.globals.noAutostart;
    const socket = this.globals.socket;
    this.client = await SessdClient.connect({
      ...(socket === undefined ? {} : { socket }),
      clientName: 'sess',
      clientVersion: SESSD_VERSION,
      // For checking how a client of another protocol version is answered.
      ...(process.env.SESSD_CLIENT_PROTOCOL === undefined ? {} : { protocolVersion: Number(process.env.SESSD_CLIENT_PROTOCOL) }),
      autostart: autostart ? { onStart: () => this.out.progress('sess: sessd is not running; starting it...') } : false,
    });
    return this.client;
  }

  close(): void {
    this.client?.dispose();
  }

  /** A context of its own connection, for a step that closes its context when done (`sess dash` runs attach this way). */
  fresh(): Context {
    return new Context(this.command, this.globals);
  }
}
