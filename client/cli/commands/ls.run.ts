import type { SessionListParams } from '../../../shared/protocol/session.js';
import type { Context } from '../context.js';
import { age, shellWords, visible } from '../output.js';
import type { Input } from '../spec.js';
import { pairs } from '../values.js';
import type { spec } from './ls.js';

export async function run(o: Input<typeof spec>, ctx: Context): Promise<void> {
  const params: Omit<SessionListParams, 'cursor'> = {};
  if (o.space !== undefined) params.space = o.space;
  if (o.status.length > 0) params.status = o.status;
  if (o.label.length > 0) params.labels = pairs(o.label, 'label');
  if (o.task !== undefined) params.taskId = o.task;
  if (o.agentId !== undefined) params.agentId = o.agentId;
  const client = await ctx.connect();
  let sessions = await client.listAll(params);
  if (o.waiting) sessions = sessions.filter((s) => s.status === 'running' && s.activity === 'waiting');
  if (ctx.json) {
    ctx.out.json({ sessions });
    return;
  }
  if (sessions.length === 0) {
    ctx.out.line(o.waiting ? 'No session is waiting for you.' : 'No sessions. Start one with `sess new`.');
    return;
  }
  const wide = o.wide;
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
  // What a session's screen says keeps its program from working (a model it cannot reach).
  const noticed = sessions.filter((s) => (s.notice ?? '') !== '');
  if (noticed.length > 0) ctx.out.line();
  for (const s of noticed) ctx.out.line(`${visible(s.name)}: ${visible(s.notice!)}`);
}
