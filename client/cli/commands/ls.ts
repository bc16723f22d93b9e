import type { SessionListParams } from '../../../shared/protocol/session.js';
import type { SessionStatus } from '../../../shared/protocol/model.js';
import { pairs, type Context } from '../context.js';
import { age, shellWords, visible } from '../output.js';

export async function run(ctx: Context): Promise<void> {
  const params: Omit<SessionListParams, 'cursor'> = {};
  if (ctx.opt('space') !== undefined) params.space = ctx.opt<string>('space')!;
  if (ctx.opt('status') !== undefined) params.status = ctx.opt<string[]>('status') as SessionStatus[];
  if (ctx.opt('label') !== undefined) params.labels = pairs(ctx.opt<string[]>('label'), 'label');
  if (ctx.opt('task') !== undefined) params.taskId = ctx.opt<string>('task')!;
  if (ctx.opt('agent-id') !== undefined) params.agentId = ctx.opt<string>('agent-id')!;
  const client = await ctx.connect();
  let sessions = await client.listAll(params);
  if (ctx.opt('waiting') === true) sessions = sessions.filter((s) => s.status === 'running' && s.activity === 'waiting');
  if (ctx.json) {
    ctx.out.json({ sessions });
    return;
  }
  if (sessions.length === 0) {
    ctx.out.line(ctx.opt('waiting') === true ? 'No session is waiting for you.' : 'No sessions. Start one with `sess new`.');
    return;
  }
  const wide = ctx.opt('wide') === true;
  const headers = wide
    ? ['ID', 'NAME', 'SPACE', 'STATUS', 'ACTIVITY', 'AGE', 'PID', 'LABELS', 'CWD', 'COMMAND']
    : ['NAME', 'SPACE', 'STATUS', 'ACTIVITY', 'AGE', 'COMMAND'];
  const rows = sessions.map((s) => {
    const activity = s.status === 'running' ? s.activity : '-';
    const command = visible(shellWords(s.command));
    const base = [visible(s.name), visible(s.space), ctx.out.status(s), activity, age(s.createdAt)];
    if (!wide) return [...base, command];
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',');
    return [s.id, ...base.slice(0, 5), s.pid === null ? '-' : String(s.pid), visible(labels) || '-', visible(s.cwd), command];
  });
  ctx.out.table(headers, rows);
}
