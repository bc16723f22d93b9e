import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Session } from '../../shared/protocol/model.js';
import { SessionCaptureRequest, SessionCreateRequest, type SessionCreateParams } from '../../shared/protocol/index.js';
import { TestClient } from './client.js';
import { killTmuxServer, pathsIn, tempDir, TestDaemon, type DaemonPaths } from './daemon.js';
import { ScreenWatcher } from './screen.js';

/** A shell with no rc files and a fixed prompt, so screens are predictable. */
export const SHELL = ['/bin/bash', '--norc', '--noprofile'];
export const SHELL_ENV = { PS1: '$ ', TERM: 'tmux-256color' };

export interface Harness {
  dir: string;
  paths: DaemonPaths;
  daemon: TestDaemon;
  client: TestClient;
  /** More clients, closed after the file. */
  connect(options?: { initialize?: boolean }): Promise<TestClient>;
  createShell(params?: Partial<SessionCreateParams>): Promise<Session>;
  /** Waits (on output events) until the session's screen matches. */
  waitForScreen(session: Session, match: (screen: string) => boolean): Promise<string>;
  /** Replaces the daemon (after a kill), keeping the paths. */
  restart(): Promise<void>;
}

/**
 * One real daemon per test file, on private paths under the run's root, with a real
 * tmux server; everything is stopped (by pid) after the file.
 */
export function useDaemon(options: { config?: string; env?: NodeJS.ProcessEnv } = {}): Harness {
  const clients: TestClient[] = [];
  const watchers = new Map<string, ScreenWatcher>();
  const h = {} as Harness;

  h.connect = async (connectOptions) => {
    const client = await TestClient.connect(h.paths.socket, connectOptions);
    clients.push(client);
    return client;
  };
  h.createShell = (params = {}) =>
    h.client.request(SessionCreateRequest, { command: SHELL, cwd: h.dir, ...params, env: { ...SHELL_ENV, ...params.env } });
  h.waitForScreen = async (session, match) => {
    let watcher = watchers.get(session.id);
    if (watcher === undefined) {
      watcher = await ScreenWatcher.attach(h.paths.tmuxSocket, session.id);
      watchers.set(session.id, watcher);
    }
    return watcher.waitFor(async () => (await h.client.request(SessionCaptureRequest, { session: session.id })).text, match);
  };
  let start: { args: string[]; env?: NodeJS.ProcessEnv };
  h.restart = async () => {
    h.daemon = await TestDaemon.start(h.paths, start);
    h.client = await h.connect();
  };

  beforeAll(async () => {
    h.dir = await tempDir();
    h.paths = pathsIn(h.dir);
    const args: string[] = [];
    if (options.config !== undefined) {
      await writeFile(join(h.dir, 'config.yaml'), options.config);
      args.push('--config', join(h.dir, 'config.yaml'));
    }
    start = { args, ...(options.env === undefined ? {} : { env: options.env }) };
    h.daemon = await TestDaemon.start(h.paths, start);
    h.client = await h.connect();
  });

  afterAll(async () => {
    for (const watcher of watchers.values()) await watcher.close();
    for (const client of clients) client.close();
    if (h.daemon !== undefined) await h.daemon.stop();
    if (h.paths !== undefined) await killTmuxServer(h.paths.tmuxSocket);
  });

  return h;
}
