import { SessdClient } from '../sdk/client.js';
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import { UsageError, type Parsed } from './args.js';
import { Output } from './output.js';

/** What a command gets: its parsed line, output, and a way to reach the daemon. */
export class Context {
  readonly out = new Output();
  private client: SessdClient | undefined;

  constructor(readonly parsed: Parsed) {}

  get json(): boolean {
    return this.parsed.options.json === true;
  }

  arg(name: string): string {
    return this.parsed.args[name] as string;
  }

  args(name: string): string[] {
    return (this.parsed.args[name] as string[] | undefined) ?? [];
  }

  opt<T extends string | number | boolean | string[]>(name: string): T | undefined {
    return this.parsed.options[name] as T | undefined;
  }

  /** Connects (starting sessd when nothing answers, unless --no-autostart). */
  async connect(): Promise<SessdClient> {
    if (this.client !== undefined) return this.client;
    const autostart = this.opt<boolean>('no-autostart') !== true;
    const socket = this.opt<string>('socket');
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
}

/** key=value pairs from repeated options, as a map; a malformed one is a usage error. */
export function pairs(values: readonly string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${option} takes KEY=VALUE (got ${JSON.stringify(item)})`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
