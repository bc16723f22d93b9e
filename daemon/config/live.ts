import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { loadConfig, type ConfigProblem, type LoadedConfig, type SessdConfig } from './config.js';

/**
 * Editors save in several steps (write a temp file, rename it over the old one; or
 * truncate, then write): changes this close together are read once, after the last.
 */
const RELOAD_DEBOUNCE_MS = 50;

export interface ConfigStatus {
  /** The file in effect (or refused at start-up), null when there is none. */
  file: string | null;
  /** A config file is in effect (the last one that validated). */
  loaded: boolean;
  /** Why the latest version of the file was refused; while set, the last good config stays in effect. */
  error: string | null;
  problem: ConfigProblem | null;
  /** When the config in effect was read; null when running on the built-in defaults only. */
  loadedAt: string | null;
  /** How many times a changed file was applied since start-up. */
  reloads: number;
}

/**
 * The config in effect, kept current while sessd runs: the directory holding the
 * file is watched (not the file: an editor's write-then-rename replaces the inode a
 * file watch would follow), every change is validated as a whole, and only a file
 * that validates replaces the config. A refused edit keeps the last good config; the
 * problem is logged and shown in `daemon/status` until a good version is saved.
 */
export class LiveConfig {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(config: SessdConfig, previous: SessdConfig) => void>();
  private state: ConfigStatus;

  constructor(
    private loaded: LoadedConfig,
    private readonly candidates: readonly string[],
    private readonly explicit: boolean,
    private readonly home: string,
    private readonly log: Logger,
  ) {
    this.state = {
      file: loaded.file,
      loaded: loaded.file !== null && loaded.problem === null,
      error: loaded.error,
      problem: loaded.problem,
      loadedAt: loaded.file !== null && loaded.problem === null ? new Date().toISOString() : null,
      reloads: 0,
    };
  }

  get current(): SessdConfig {
    return this.loaded.config;
  }

  status(): ConfigStatus {
    return { ...this.state };
  }

  /** Called after a changed file was applied, with the new and the previous config. */
  onChange(listener: (config: SessdConfig, previous: SessdConfig) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts watching; resolves once the watcher is ready, so an edit from then on is
   * seen. A config directory that does not exist yet is awaited from its nearest
   * existing ancestor: each directory on the way is watched as it appears (`mkdir -p`
   * included), so a config file created after start-up applies without a restart.
   */
  async watch(): Promise<void> {
    const dirs = [...new Set(this.candidates.map((c) => dirname(c)))];
    const names = new Set(this.candidates);
    // Every directory from a config directory up to its nearest existing ancestor.
    const route = new Set<string>();
    const roots = new Set<string>();
    for (const dir of dirs) {
      let at = dir;
      while (!existsSync(at) && dirname(at) !== at) {
        route.add(at);
        at = dirname(at);
      }
      route.add(at);
      roots.add(at);
    }
    const watched = new Set<string>([...route, ...names]);
    const watcher = (this.watcher = watch([...roots], {
      ignoreInitial: true,
      depth: 0,
      // Only the config files and the directories leading to them: the state dir or a
      // log file may sit beside them, and a watch on each of their files is wasted (and
      // a watch chokidar adds for a new file while closing could outlive close()).
      ignored: (path: string) => !watched.has(path),
    }));
    const appeared = (dir: string): void => {
      watcher.add(dir);
      // `mkdir -p` may have made the next ones before this one was watched.
      for (const next of route) if (dirname(next) === dir && existsSync(next)) appeared(next);
    };
    watcher.on('all', (event, path) => {
      if (event === 'addDir' && route.has(path) && !roots.has(path)) {
        appeared(path);
        this.schedule();
      } else if (names.has(path)) {
        this.schedule();
      }
    });
    watcher.on('error', (error) => this.log.warn({ err: error }, 'watching the config file failed'));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.log.debug({ dirs: [...roots], files: this.candidates.map((c) => basename(c)) }, 'watching the config file');
  }

  /** Reads the file again now (also what a change triggers). Resolves once applied or refused. */
  reload(): Promise<void> {
    this.reading = this.reading.then(() => this.read());
    return this.reading;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.watcher?.close();
    this.watcher = undefined;
    this.listeners.clear();
    await this.reading;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, RELOAD_DEBOUNCE_MS);
  }

  private async read(): Promise<void> {
    if (this.watcher === undefined) return;
    const next = await loadConfig(this.candidates, this.explicit, this.home);
    if (next.problem !== null) {
      this.state = { ...this.state, error: next.error, problem: next.problem };
      this.log.warn({ config: next.file, problem: next.problem }, `config not reloaded, the last good one stays in effect: ${next.error}`);
      return;
    }
    const previous = this.loaded.config;
    this.loaded = next;
    this.state = {
      file: next.file,
      loaded: next.file !== null,
      error: null,
      problem: null,
      loadedAt: next.file === null ? null : new Date().toISOString(),
      reloads: this.state.reloads + 1,
    };
    this.log.info({ config: next.file, reloads: this.state.reloads }, next.file === null ? 'config file removed; built-in defaults in effect' : 'config reloaded');
    for (const listener of [...this.listeners]) listener(next.config, previous);
  }
}
