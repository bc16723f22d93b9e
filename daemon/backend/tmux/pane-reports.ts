import { unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';

/** How long a report nobody asked for yet is kept: the spawn that asks for it reads tmux's reply within milliseconds. */
const UNCLAIMED_KEEP_MS = 30_000;
/** The longest report line accepted (three numbers); anything longer is not sessd-pane's. */
const MAX_LINE_BYTES = 64;

/** What sessd-pane said about the program it started. */
export interface PaneReport {
  /** The program's pid (0 when none was started). */
  pid: number;
  /** The errno of the failed exec, or null when the program runs. */
  error: string | null;
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/**
 * The socket sessd-pane reports to (`--report`): one line per pane once its program was
 * exec'd or could not be, `<pane pid> <program pid> <errno>`. A spawn waits here for its
 * pane's line instead of polling /proc for the program's pid.
 */
export class PaneReports {
  private readonly reports = new Map<number, { report: PaneReport; at: number }>();
  private readonly waiters = new Map<number, (report: PaneReport | null) => void>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens at `path`, replacing a socket an earlier daemon left there. */
  static async listen(path: string): Promise<PaneReports> {
    await unlink(path).catch(() => undefined); // none there is what we want
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new PaneReports(path, server);
  }

  /** The report of the pane whose process is `panePid`, or null if none comes within `ms`. */
  wait(panePid: number, ms: number): Promise<PaneReport | null> {
    const kept = this.reports.get(panePid);
    if (kept !== undefined) {
      this.reports.delete(panePid);
      return Promise.resolve(kept.report);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(panePid);
        resolve(null);
      }, ms);
      this.waiters.set(panePid, (report) => {
        clearTimeout(timer);
        this.waiters.delete(panePid);
        resolve(report);
      });
    });
  }

  async dispose(): Promise<void> {
    for (const waiter of [...this.waiters.values()]) waiter(null);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await unlink(this.path).catch(() => undefined); // already gone is fine
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_LINE_BYTES) socket.destroy();
    });
    socket.on('error', () => undefined); // a pane that went away mid-line has nothing to say
    socket.on('close', () => {
      this.sockets.delete(socket);
      const match = /^(\d+) (\d+) (\d+)\n$/.exec(text);
      if (match !== null) this.received(Number(match[1]), { pid: Number(match[2]), error: match[3] === '0' ? null : (ERRNO_NAMES.get(Number(match[3])) ?? `errno ${match[3]}`) });
    });
  }

  private received(panePid: number, report: PaneReport): void {
    const waiter = this.waiters.get(panePid);
    if (waiter !== undefined) return waiter(report);
    const now = Date.now();
    for (const [pid, kept] of this.reports) if (now - kept.at > UNCLAIMED_KEEP_MS) this.reports.delete(pid);
    this.reports.set(panePid, { report, at: now });
  }
}
