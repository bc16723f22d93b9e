import { fileURLToPath } from 'node:url';

/**
 * Where the daemon's C helpers (sessd-pane, sessd-tap, sessd-lock, sessd-hook) are
 * built: beside the daemon's entry, `dist/daemon/`. This module sits in `daemon/`
 * itself, so the path is the same whether the daemon runs as one bundled file
 * (`dist/daemon/main.js`, what `npm run build` makes) or as tsc's file per module.
 */
export function helperPath(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}
