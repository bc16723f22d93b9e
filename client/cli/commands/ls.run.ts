import type { Session } from '../../../shared/protocol/model.js';
import type { SessionListParams } from '../../../shared/protocol/session.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { age, shellWords, visible } from '../output.js';
import type { Input } from '../spec.js';
import { pairs } from '../values.js';
import { hostNames, listHosts, listingExit } from './ls-hosts.js';
import type { spec } from './ls.js';

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number | void> {
  const params: Omit<SessionListParams, 'cursor'> = {};
  if (o.space !== undefined) params.space = o.space;
  if (o.status.length > 0) params.status = o.status;
  if (o.label.length > 0) params.labels = pairs(o.label, 'label');
  if (o.task !== undefined) params.taskId = o.task;
  if (o.agentId !== undefined) params.agentId = o.agentId;
  const keep = (sessions: Session[]): Session[] => (o.waiting ? sessions.filter((s) => s.status === 'running' && s.activity === 'waiting') : sessions);
  if (o.hosts !== undefined || o.allHosts) return listAcrossHosts(o, ctx, params, keep);

  const client = await ctx.connect();
  const sessions = keep(await client.listAll(params));
  if (ctx.json) {
    ctx.out.json({ sessions });
    return;
  }
  if (sessions.length === 0) {
    ctx.out.line(o.waiting ? 'No session is waiting for you.' : 'No sessions. Start one with `sess new`.');
    return;
  }
  table(ctx, o.wide, sessions.map((s) => ({ s })));
}

/** `--hosts`: one table with a HOST column; a host that did not answer is reported on stderr, the rest still listed. */
async function listAcrossHosts(o: Input<typeof spec>, ctx: Context, params: Omit<SessionListParams, 'cursor'>, keep: (s: Session[]) => Session[]): Promise<number> {
  if (ctx.host !== undefined) throw new UsageError('--hosts names the machines to list; it does not combine with --host', 'ls');
  const hosts = await hostNames(o.hosts, o.allHosts);
  if (hosts.length === 0) throw new UsageError(o.allHosts ? 'the config file names no hosts' : '--hosts needs at least one host', 'ls');
  const listings = (await listHosts(ctx, hosts, params)).map((l) => ('sessions' in l ? { ...l, sessions: keep(l.sessions) } : l));
  if (ctx.json) {
    ctx.out.json({ hosts: listings });
    return listingExit(listings);
  }
  for (const l of listings) if ('error' in l) ctx.out.error(`sess: ${l.host}: ${l.error.message}`);
  const rows = listings.flatMap((l) => ('sessions' in l ? l.sessions.map((s) => ({ s, host: l.host })) : []));
  if (rows.length === 0) ctx.out.line(o.waiting ? 'No session is waiting for you.' : 'No sessions.');
  else table(ctx, o.wide, rows);
  return listingExit(listings);
}

function table(ctx: Context, wide: boolean, rows: readonly { s: Session; host?: string }[]): void {
  const hosts = rows.some((r) => r.host !== undefined);
  const headers = wide
    ? ['ID', 'NAME', 'SPACE', 'STATUS', 'ACTIVITY', 'AGE', 'PID', 'LABELS', 'CWD', 'COMMAND']
    : ['NAME', 'SPACE', 'STATUS', 'ACTIVITY', 'AGE', 'COMMAND'];
  const cells = rows.map(({ s, host }) => {
    const activity = s.status === 'running' ? s.activity : '-';
    const command = visible(shellWords(s.command));
    const base = [visible(s.name), visible(s.space), ctx.out.status(s), activity, age(s.createdAt)];
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',');
    const row = wide ? [s.id, ...base, s.pid === null ? '-' : String(s.pid), visible(labels) || '-', visible(s.cwd), command] : [...base, command];
    return hosts ? [host ?? '', ...row] : row;
  });
  ctx.out.table(hosts ? ['HOST', ...headers] : headers, cells);
  // What a session's screen says keeps its program from working (a model it cannot reach).
  const noticed = rows.filter(({ s }) => (s.notice ?? '') !== '');
  if (noticed.length > 0) ctx.out.line();
  for (const { s, host } of noticed) ctx.out.line(`${host === undefined ? '' : `${host}: `}${visible(s.name)}: ${visible(s.notice!)}`);
}
