import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wakeable } from './wait.js';

export interface Hit {
  path: string;
  body: Record<string, unknown>;
  /** When it arrived (Date.now()). */
  at: number;
}

/** An HTTP server on 127.0.0.1 that records every POST (its path and JSON body); `/fail` answers 500. */
export class HookServer {
  readonly hits: Hit[] = [];
  private readonly arrivals = new Wakeable();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HookServer> {
    const server = createServer();
    const hooks = new HookServer(server);
    server.on('request', (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        res.writeHead(req.url === '/fail' ? 500 : 204).end();
        hooks.hits.push({ path: req.url ?? '', body: JSON.parse(body || '{}') as Record<string, unknown>, at: Date.now() });
        hooks.arrivals.wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return hooks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The first hit that matches, waiting for it. */
  waitFor(match: (hit: Hit) => boolean): Promise<Hit> {
    return this.arrivals.until(
      () => this.hits.find(match),
      () => `no such hook call; got ${JSON.stringify(this.hits.map((h) => h.path))}`,
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
