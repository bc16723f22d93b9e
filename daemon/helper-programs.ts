import { fileURLToPath } from 'node:url';

/**
 * Where the daemon's C helpers (sessd-pane, sessd-tap, sessd-lock, sessd-hook) are
 * built: beside the daemon's bundle, `dist/daemon/` (the bundle defines
 * `import.meta.url` as its own file's URL).
 */
export function helperPath(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}
