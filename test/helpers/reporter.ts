import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Wakeable } from './wait.js';

/** The test program that reports, over a unix socket, exactly what it receives as input. */
export const INPUT_REPORTER = resolve(import.meta.dirname, '..', 'fixtures', 'input-reporter.mjs');

export type Report =
  | { type: 'ready' }
  | { type: 'line'; text: string }
  | { type: 'interrupt' }
  | { type: 'wrote'; bytes: number }
  | { type: 'answer'; choice: string }
  | { type: 'cancel' };

/** The test agent that behaves like Claude Code on screen (see the file's header). */
export const TEST_AGENT = resolve(import.meta.dirname, '..', 'fixtures', 'agent.mjs');

/** Receives reports from input-reporter.mjs programs running in panes. */
export class ReportServer {
  readonly reports: Report[] = [];
  private readonly arrivals = new Wakeable();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  private static started = 0;

  static async start(dir: string): Promise<ReportServer> {
    const path = join(dir, `r${ReportServer.started++}.sock`);
    const server = createServer();
    const reporter = new ReportServer(server, path);
    server.on('connection', (socket) => {
      reporter.sockets.add(socket);
      socket.once('close', () => reporter.sockets.delete(socket));
      createInterface({ input: socket }).on('line', (line) => {
        reporter.reports.push(JSON.parse(line) as Report);
        reporter.arrivals.wake();
      });
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return reporter;
  }

  /** The command that runs a reporter in a session. */
  command(): string[] {
    return [process.execPath, INPUT_REPORTER, this.path];
  }

  /** The command that runs the test agent, reporting here. */
  agent(): string[] {
    return [process.execPath, TEST_AGENT, this.path];
  }

  /** The first report at or after `from` that matches, waiting for it if needed. */
  next(match: (r: Report) => boolean, from: number): Promise<{ report: Report; index: number }> {
    return this.arrivals.until(
      () => {
        const index = this.reports.findIndex((r, i) => i >= from && match(r));
        return index === -1 ? undefined : { report: this.reports[index]!, index };
      },
      () => `no matching report; got ${JSON.stringify(this.reports.slice(from))}`,
    );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
