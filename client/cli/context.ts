import { SessdClient } from '../sdk/client.js';
import { reconnect } from '../sdk/reconnect.js';
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import { UsageError } from './args.js';
import type { Globals } from './options.js';
import { Output } from './output.js';

/** How long ssh tries to reach a host for a full-screen program (`quiet`): it is then shown as down, and quitting waits no longer for it. */
const QUIET_SSH_CONNECT_TIMEOUT_S = 10;

/**
 * What a command gets besides its own input: the command's name, output, and a way
 * to reach the daemon, shaped by the global options: this machine's sessd, or with
 * --host (SESS_HOST) another machine's, through `ssh HOST sess proxy`.
 */
export class Context {
  readonly out = new Output();
  private client: SessdClient | undefined;
  private readonly others: SessdClient[] = [];

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

  get noAutostart(): boolean {
    return this.globals.noAutostart;
  }

  /** The remote machine named by --host or SESS_HOST (empty: this one), if any. */
  get host(): string | undefined {
    const host = this.globals.host ?? process.env.SESS_HOST;
    return host === undefined || host === '' ? undefined : host;
  }

  /**
   * Connects (starting sessd when nothing answers, unless --no-autostart or
   * `autostart: false`: a command about sessd itself must not start one). With a
   * host, `sess proxy` there starts its sessd by the same rule.
   */
  async connect(options: { autostart?: boolean } = {}): Promise<SessdClient> {
    this.client ??= await this.open(this.host, options);
    return this.client;
  }

  /**
   * Another connection, to `host` (undefined: this machine), closed with the context.
   * `quiet` is for a full-screen program that holds the terminal: ssh asks nothing
   * (BatchMode: a host that wants a password fails with ssh's reason) and a sessd
   * started here says nothing.
   */
  async connectTo(host: string | undefined, options: { autostart?: boolean; quiet?: boolean } = {}): Promise<SessdClient> {
    const client = await this.open(host, options);
    this.others.push(client);
    return client;
  }

  private async open(host: string | undefined, options: { autostart?: boolean; quiet?: boolean }): Promise<SessdClient> {
    const autostart = options.autostart !== false && !this.globals.noAutostart;
    const common = {
      clientName: 'sess',
      clientVersion: SESSD_VERSION,
      // For checking how a client of another protocol version is answered.
      ...(process.env.SESSD_CLIENT_PROTOCOL === undefined ? {} : { protocolVersion: Number(process.env.SESSD_CLIENT_PROTOCOL) }),
    };
    if (host !== undefined) {
      if (this.globals.socket !== undefined) throw new UsageError('--socket names a socket on this machine; it does not combine with --host');
      const { resolveHost } = await import('./hosts.js');
      const resolved = await resolveHost(host);
      const quiet = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${QUIET_SSH_CONNECT_TIMEOUT_S}`];
      const target = options.quiet === true ? { ...resolved, sshArgs: [...(resolved.sshArgs ?? []), ...quiet] } : resolved;
      // The remote sess reads --no-autostart the same way.
      return SessdClient.connect({ ...common, ssh: autostart ? target : { ...target, remoteSess: `${target.remoteSess ?? 'sess'} --no-autostart` } });
    }
    const socket = this.globals.socket;
    return SessdClient.connect({
      ...common,
      ...(socket === undefined ? {} : { socket }),
      autostart: autostart ? (options.quiet === true ? {} : { onStart: () => this.out.progress('sess: sessd is not running; starting it...') }) : false,
    });
  }

  /**
   * Replaces a lost connection, waiting with backoff (reconnect.ts) until sessd answers
   * again; never starts one (a daemon stopped on purpose stays stopped). For followers.
   */
  async reconnect(): Promise<SessdClient> {
    this.client?.dispose();
    this.client = undefined;
    this.out.error('sess: lost the connection to sessd; reconnecting...');
    const client = await reconnect(() => this.connect({ autostart: false }));
    this.out.error('sess: reconnected');
    return client;
  }

  close(): void {
    this.client?.dispose();
    for (const client of this.others.splice(0)) client.dispose();
  }

  /**
   * A context of its own connection, for a step that closes its context when done
   * (`sess dash` runs attach this way); to `host`'s sessd when named.
   */
  fresh(host?: string): Context {
    return new Context(this.command, host === undefined ? this.globals : { ...this.globals, host });
  }
}
