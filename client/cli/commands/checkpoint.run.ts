import type { Checkpoint, CheckpointSummary, GitState } from '../../../shared/protocol/model.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { age, ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import { jsonObject } from '../values.js';
import type * as specs from './checkpoint.js';

/** `main@1a2b3c4 (dirty)`, `-` outside a repository, or `(reading)` while the daemon reads it. */
function git(state: GitState | null, pending?: boolean): string {
  if (pending === true) return '(reading)';
  if (state === null) return '-';
  return `${state.branch ?? 'detached'}@${state.head.slice(0, 7)}${state.dirty ? ' (dirty)' : ''}`;
}

/** `sess checkpoint`. */
export async function checkpoint(o: Input<typeof specs.checkpoint>, ctx: Context): Promise<void> {
  const { context, resumePrompt: prompt, message: label } = o;
  const client = await ctx.connect();
  const c: Checkpoint = await client.session.checkpoint({
    session: o.session,
    ...(label === undefined ? {} : { label }),
    ...(context === undefined ? {} : { context: jsonObject(context, 'context') }),
    ...(prompt === undefined ? {} : { resumePrompt: prompt }),
  });
  if (ctx.json) return ctx.out.json(c);
  ctx.out.line(`checkpoint ${c.seq} saved${c.label === null ? '' : ` "${visible(c.label)}"`}; git ${git(c.git, c.gitPending)}`);
}

/** `sess checkpoints`. */
export async function checkpoints({ session }: Input<typeof specs.checkpoints>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const result = await client.checkpoint.list({ session });
  if (ctx.json) return ctx.out.json(result);
  if (result.checkpoints.length === 0) ctx.out.line('No checkpoints. Save one with `sess checkpoint SESSION`.');
  else {
    const row = (c: CheckpointSummary): string[] => [String(c.seq), age(c.createdAt), git(c.git, c.gitPending), String(c.transcriptOffset), visible(c.label ?? '-')];
    ctx.out.table(['SEQ', 'AGE', 'GIT', 'OFFSET', 'LABEL'], result.checkpoints.map(row));
  }
  if (result.unreadable.length > 0) ctx.out.error(`sess: damaged checkpoints, skipped: ${result.unreadable.join(', ')}`);
}

/** `sess restore`. */
export async function restore({ session, seq, as }: Input<typeof specs.restore>, ctx: Context): Promise<void> {
  if (seq !== undefined && (!Number.isInteger(seq) || seq < 1)) throw new UsageError('--seq takes a checkpoint number (see sess checkpoints)', 'restore');
  const client = await ctx.connect();
  const s = await client.session.restore({ session, ...(seq === undefined ? {} : { seq }), ...(as === undefined ? {} : { name: as }) });
  if (ctx.json) return ctx.out.json(s);
  ctx.out.line(`restored ${visible(ref(s))} (${s.id})${seq === undefined ? ' from the latest checkpoint' : ` from checkpoint ${seq}`}`);
}
