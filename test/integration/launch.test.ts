import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionListRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { DAEMON_MAIN, killTmuxServer, pathsIn, REPO, tempDir, TestDaemon, type DaemonPaths } from '../helpers/daemon.js';

/**
 * The entry point's code cache, on a copy of the built daemon (under dist/, so the
 * bundle's packages resolve), with real starts: written by a start that had none,
 * used as it is by the next, and replaced, never trusted, when it does not fit.
 */
let copy: string;
let main: string;
let cache: string;
let paths: DaemonPaths;

beforeAll(async () => {
  copy = await mkdtemp(join(REPO, 'dist', 'launch-test-'));
  const built = join(REPO, 'dist', 'daemon');
  for (const name of await readdir(built)) {
    if (name === 'main.js' || name === 'sessd.cjs' || /^sessd-[a-z]+$/.test(name)) await copyFile(join(built, name), join(copy, name));
  }
  main = join(copy, 'main.js');
  cache = join(copy, 'sessd.cjs.codecache');
  paths = pathsIn(await tempDir());
});

afterAll(async () => {
  if (paths !== undefined) await killTmuxServer(paths.tmuxSocket);
  if (copy !== undefined) await rm(copy, { recursive: true, force: true });
});

/** One start to ready, a request, and a clean stop. */
async function startAndStop(): Promise<void> {
  const daemon = await TestDaemon.start(paths, { main });
  const client = await TestClient.connect(paths.socket);
  try {
    expect(await client.request(SessionListRequest, {})).toMatchObject({ sessions: [] });
  } finally {
    client.close();
  }
  expect(await daemon.stop()).toBe(0);
}

/** The cache's first line: what it was made from. */
async function stamp(): Promise<string> {
  const data = await readFile(cache);
  return data.subarray(0, data.indexOf(0x0a)).toString();
}

describe('the code cache of sessd', () => {
  it('is written by a start that had none, beside the bundle, readable only by its owner', async () => {
    expect(main).not.toBe(DAEMON_MAIN);
    await expect(stat(cache)).rejects.toMatchObject({ code: 'ENOENT' });
    await startAndStop();
    const st = await stat(cache);
    expect(st.mode & 0o777).toBe(0o600);
    const bundle = await stat(join(copy, 'sessd.cjs'));
    expect(await stamp()).toBe(`sessd-code-cache 1 ${bundle.size} ${Math.trunc(bundle.mtimeMs)} ${process.version} ${process.arch}`);
    expect(st.size).toBeGreaterThan(100_000);
  });

  it('is used as it is by the next start (not written again)', async () => {
    const before = await stat(cache);
    await startAndStop();
    const after = await stat(cache);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('that V8 refuses does not stop a start, and is replaced', async () => {
    const header = `${await stamp()}\n`;
    await writeFile(cache, Buffer.concat([Buffer.from(header), Buffer.alloc(4096, 0x5a)]), { mode: 0o600 });
    const before = await stat(cache);
    await startAndStop();
    const after = await stat(cache);
    expect(after.ino).not.toBe(before.ino);
    expect(after.size).toBeGreaterThan(100_000);
  });

  it('made from another bundle, or writable by others, is not trusted, and is replaced', async () => {
    // V8 checks only the source's length: a bundle changed in place, to the same length,
    // must not run an old cache.
    const source = await readFile(join(copy, 'sessd.cjs'), 'utf8');
    const changed = source.replace('"use strict";', '"use strict"\n');
    expect(changed.length).toBe(source.length);
    await writeFile(join(copy, 'sessd.cjs'), changed);
    const bundle = await stat(join(copy, 'sessd.cjs'));
    const old = await stat(cache);
    await startAndStop();
    const rebuilt = await stat(cache);
    expect(rebuilt.ino).not.toBe(old.ino);
    expect(await stamp()).toContain(` ${bundle.size} ${Math.trunc(bundle.mtimeMs)} `);

    await chmod(cache, 0o666);
    await startAndStop();
    const after = await stat(cache);
    expect(after.ino).not.toBe(rebuilt.ino);
    expect(after.mode & 0o777).toBe(0o600);
  });
});
