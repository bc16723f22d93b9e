import type { Context } from '../context.js';
import { age, ref, shellWords, visible } from '../output.js';
import type { Input } from '../spec.js';
import type { spec } from './show.js';

export async function run({ session }: Input<typeof spec>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const s = await client.session.get({ session });
  if (ctx.json) {
    ctx.out.json(s);
    return;
  }
  const rows: [string, string][] = [
    ['session', `${visible(ref(s))} (${s.id})`],
    ['status', s.status + (s.status === 'running' ? `, ${s.activity}` : '') + (s.exitCode === null ? '' : `, exit ${s.exitCode}${s.exitSignal ? ` (${s.exitSignal})` : ''}`)],
    ['command', visible(shellWords(s.command))],
    ['cwd', visible(s.cwd)],
    ['pid', s.pid === null ? '-' : String(s.pid)],
    ['agent', s.agent],
    ['created', `${s.createdAt} (${age(s.createdAt)} ago)`],
    ['started', s.startedAt ?? '-'],
    ['ended', s.endedAt ?? '-'],
    ['size', `${s.size.cols}x${s.size.rows}`],
    ['restart', `${s.restartPolicy} (${s.restarts} so far)${s.nextRestartAt === null ? '' : `, next at ${s.nextRestartAt}`}`],
    ['checkpoint', s.lastCheckpointAt === null ? '-' : `${s.lastCheckpointAt} (${age(s.lastCheckpointAt)} ago)`],
  ];
  if (s.worktree !== undefined) rows.push(['worktree', visible(`${s.worktree.path} (branch ${s.worktree.branch}, from ${s.worktree.baseCommit.slice(0, 7)})`)]);
  if (Object.keys(s.labels).length > 0) rows.push(['labels', visible(Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(' '))]);
  if (Object.keys(s.env).length > 0) rows.push(['env', visible(Object.keys(s.env).join(' '))]);
  for (const [key, value] of [['task', s.taskId], ['agent id', s.agentId], ['type', s.sessionType], ['template', s.template]] as const) {
    if (value !== null) rows.push([key, visible(value)]);
  }
  if (Object.keys(s.context).length > 0) rows.push(['context', JSON.stringify(s.context)]);
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) ctx.out.line(`${key.padEnd(pad)}${value}`);
}
