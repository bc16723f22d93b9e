#!/usr/bin/env node
/**
 * `sessd`'s entry point (`dist/daemon/main.js`): loads the daemon's bundle
 * (`dist/daemon/sessd.cjs`, built from main.ts) with a V8 code cache, so a start does
 * not parse and compile the same 2 MB of JavaScript again.
 *
 * A start spent about a fifth of its CPU compiling (0.63 s user per start and stop
 * without the cache, 0.53 s with it). Node 20 has no compile cache of its own
 * (`module.enableCompileCache` is Node 22), so this is `vm.Script`'s `cachedData`.
 *
 * The cache holds the functions compiled up to the daemon's `ready`: the daemon calls
 * the hook at `SAVE_HOOK` then, and a start whose cache was missing or refused writes a
 * new one. V8 checks only the source's length, so the file also records the bundle's
 * size and mtime and the Node version and is ignored when any of them differs. It is
 * kept beside the bundle when that directory is writable (a build from source), else
 * under `$XDG_CACHE_HOME/sessd` (a system-wide install). A cache that cannot be read,
 * belongs to someone else or is writable by others is not used; one that cannot be
 * written is not an error. Nothing here may stop the daemon from starting.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, accessSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script, constants as vmConstants } from 'node:vm';

/** The global (`Symbol.for`) under which main.ts finds the function to call once ready. */
const SAVE_HOOK = Symbol.for('sessd.codeCache.save');
/** First line of a cache file: what it was made from, then the V8 data. */
const HEADER_VERSION = 1;

const bundle = fileURLToPath(new URL('./sessd.cjs', import.meta.url));
const stat = statSync(bundle);
const stamp = `sessd-code-cache ${HEADER_VERSION} ${stat.size} ${Math.trunc(stat.mtimeMs)} ${process.version} ${process.arch}\n`;
const candidates = cacheFiles();

/** The cache's data, when a usable one exists. */
function readCache(): Buffer | undefined {
  for (const file of candidates) {
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      continue;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) continue;
      const data = readFileSync(fd);
      const header = Buffer.from(stamp);
      if (data.length > header.length && data.subarray(0, header.length).equals(header)) return data.subarray(header.length);
    } catch {
      // unreadable: compiled from source instead
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}

/** Beside the bundle when its directory is writable, else the user's cache directory. */
function cacheFiles(): string[] {
  const name = 'sessd.cjs.codecache';
  const files: string[] = [];
  try {
    accessSync(dirname(bundle), constants.W_OK);
    files.push(join(dirname(bundle), name));
  } catch {
    // a system-wide install: not ours to write
  }
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.cache');
  files.push(join(base, 'sessd', name));
  return files;
}

function writeCache(script: Script): void {
  const data = Buffer.concat([Buffer.from(stamp), script.createCachedData()]);
  for (const file of candidates) {
    const tmp = `${file}.${process.pid}`;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
      renameSync(tmp, file);
      return;
    } catch {
      // try the next place; a cache is never worth failing for
    }
  }
}

const source = readFileSync(bundle, 'utf8');
const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  ...(cachedData === undefined ? {} : { cachedData }),
  importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cachedData === undefined || script.cachedDataRejected === true) {
  (globalThis as Record<symbol, unknown>)[SAVE_HOOK] = () => writeCache(script);
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
