import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { storeProblem } from './check.js';

/** A copy of the store taken with LMDB's own copy (a consistent snapshot, not a file copy). */
export interface Backup {
  path: string;
  time: Date;
}

/** Where the backup of the store in `storeDir` lives: beside it, in the same private state directory. */
export function backupDir(storeDir: string): string {
  return `${storeDir}-backup`;
}

/** The backup kept for the store in `storeDir`, or null when there is none. */
export async function latestBackup(storeDir: string): Promise<Backup | null> {
  const path = backupDir(storeDir);
  try {
    return { path, time: (await stat(join(path, 'data.mdb'))).mtime };
  } catch {
    // No backup yet (a new store, or one older than backups): nothing to point at.
    return null;
  }
}

/**
 * Keeps the backup of the store at most `intervalMs` old: one copy soon after start,
 * then one per interval. Each copy is written beside the backup, checked like the
 * store is at start, and renamed over the old one, so a crash mid-copy leaves the
 * previous backup whole.
 */
export class StoreBackups {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: { backup(dir: string, compact: boolean): Promise<void> },
    private readonly storeDir: string,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Takes the first copy now (in the background) and one per interval after it. */
  start(): void {
    this.schedule(0);
  }

  /** Takes a copy now; resolves when it is in place. Failures are logged, never thrown: a backup is best effort. */
  backup(): Promise<void> {
    this.running ??= this.copy().finally(() => (this.running = undefined));
    return this.running;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      void this.backup().then(() => {
        if (this.timer !== undefined) this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async copy(): Promise<void> {
    const dir = backupDir(this.storeDir);
    const scratch = join(dir, `.copy-${process.pid}`);
    const started = Date.now();
    try {
      await rm(scratch, { recursive: true, force: true });
      await mkdir(scratch, { recursive: true, mode: 0o700 });
      await this.store.backup(scratch, false);
      const problem = await storeProblem(scratch);
      if (problem !== null) throw new Error(`the copy is not usable: ${problem}`);
      await rename(join(scratch, 'data.mdb'), join(dir, 'data.mdb'));
      this.log.info({ path: dir, ms: Date.now() - started }, 'store backed up');
    } catch (error) {
      this.log.warn({ err: error, path: dir }, 'store backup failed; the previous one is kept');
    } finally {
      await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
