import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { privateDirProblem } from '../../shared/paths.js';
import { UnsafeSocketError } from './errors.js';

/**
 * Refuses a socket whose directory someone else could have put it in, by the
 * daemon's own rule (shared/paths.ts): the directory must be ours and closed to group
 * and other. Otherwise another user could pre-create it (`/tmp/sessd-$UID/` when
 * XDG_RUNTIME_DIR is unset) with a fake daemon that receives every request. A missing
 * directory passes: nothing listens there, and connecting says so (ENOENT). So does
 * one that cannot be looked at: connecting fails the same way.
 */
export async function checkSocketDir(socket: string): Promise<void> {
  const dir = dirname(socket);
  let info;
  try {
    info = await lstat(dir);
  } catch {
    return;
  }
  const problem = privateDirProblem(dir, info, process.getuid?.() ?? 0);
  if (problem !== null) throw new UnsafeSocketError(socket, dir, problem);
}
