import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, basename, join } from 'node:path';

/**
 * A lock that the kernel releases when the process dies, however it dies: a Linux
 * abstract-namespace socket named after the locked path. Two sessd processes
 * started at once for one socket (two `sess` commands autostarting, say) cannot
 * both win, and a `kill -9` leaves no stale lock behind.
 */
export class ProcessLock {
  private constructor(private readonly server: Server) {}

  /** Resolves with the lock, or with null when another process holds it. */
  static acquire(kind: string, path: string): Promise<ProcessLock | null> {
    const name = `\0sessd-${kind}-${process.getuid?.() ?? 0}-${createHash('sha256').update(canonical(path)).digest('hex').slice(0, 32)}`;
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') resolve(null);
        else reject(error);
      });
      server.listen(name, () => resolve(new ProcessLock(server)));
    });
  }

  release(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The path with its directory resolved, so two spellings of one path share a lock. */
function canonical(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}
