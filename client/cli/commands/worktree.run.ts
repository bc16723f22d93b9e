import type { WorktreeInfo } from '../../../shared/protocol/worktree.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { visible } from '../output.js';
import type { Input } from '../spec.js';
import type * as specs from './worktree.js';

function state(w: WorktreeInfo): string {
  const notes = [...(w.dirty ? ['uncommitted'] : []), ...(w.unmerged ? ['unmerged'] : [])];
  return notes.length === 0 ? 'clean' : notes.join(', ');
}

/** `sess worktree ls`. */
export async function ls(_o: Input<typeof specs.ls>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { worktrees } = await client.worktree.list();
  if (ctx.json) return ctx.out.json({ worktrees });
  if (worktrees.length === 0) return ctx.out.line('No worktrees. Start a session in one with `sess new --worktree`.');
  const rows = worktrees.map((w) => [w.session ?? '-', visible(w.branch ?? '-'), w.head?.slice(0, 7) ?? '-', state(w), visible(w.path)]);
  ctx.out.table(['SESSION', 'BRANCH', 'HEAD', 'STATE', 'PATH'], rows);
}

/** `sess worktree prune`. */
export async function prune(o: Input<typeof specs.prune>, ctx: Context): Promise<number> {
  const client = await ctx.connect();
  const result = await client.worktree.prune({ ...(o.force ? { force: true } : {}), ...(o.dryRun ? { dryRun: true } : {}) });
  if (ctx.json) {
    ctx.out.json(result);
    return EXIT.ok;
  }
  for (const path of result.removed) ctx.out.line(`${o.dryRun ? 'would remove' : 'removed'} ${visible(path)}`);
  for (const k of result.kept) ctx.out.line(`kept ${visible(k.path)}: ${visible(k.reason)}`);
  if (result.removed.length + result.kept.length === 0) ctx.out.line('Nothing to prune.');
  return EXIT.ok;
}
