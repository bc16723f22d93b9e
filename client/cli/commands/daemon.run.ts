import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type * as specs from './daemon.js';

/** `sess daemon start`: connecting starts sessd when nothing answers. */
export async function start(_: Input<typeof specs.start>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const status = await client.daemon.status();
  if (ctx.json) ctx.out.json(status);
  else ctx.out.line(`sessd ${status.version} is running (pid ${status.pid}) on ${status.paths.socket}`);
}

/** `sess daemon stop`. */
export async function stop(_: Input<typeof specs.stop>, ctx: Context): Promise<void> {
  // Stopping a daemon that is not running must not start one.
  const client = await ctx.connect({ autostart: false });
  const { pid } = await client.daemon.status();
  const result = await client.daemon.shutdown();
  if (ctx.json) ctx.out.json(result);
  else ctx.out.line(`sessd (pid ${pid}) is stopping; sessions keep running`);
}

/** `sess daemon status`. */
export async function status(_: Input<typeof specs.status>, ctx: Context): Promise<void> {
  // Asking about a daemon that is not running must not start one.
  const client = await ctx.connect({ autostart: false });
  const s = await client.daemon.status();
  if (ctx.json) {
    ctx.out.json(s);
    return;
  }
  const counts = Object.entries(s.sessions.byStatus).map(([k, v]) => `${v} ${k}`).join(', ');
  const rows: [string, string][] = [
    ['sessd', `${s.version} (protocol ${s.protocolVersion}), pid ${s.pid}, up ${s.uptime}s`],
    ['socket', s.paths.socket],
    ['store', s.paths.stateDir],
    ['config', s.config.file === null ? '(none)' : `${s.config.file}${s.config.error === null ? '' : ` (NOT LOADED: ${s.config.error})`}`],
    ['tmux', s.tmux.available ? `${s.tmux.version}, server pid ${s.tmux.serverPid}, ${s.paths.tmuxSocket}` : `unavailable: ${s.tmux.reason}`],
    ['sessions', `${s.sessions.total}${counts === '' ? '' : ` (${counts})`}`],
    ['clients', `${s.connections} connected, ${s.subscriptions} event subscriptions`],
  ];
  if (s.policies !== undefined) {
    const any = s.policies.approveAny.map((r) => `rule ${r.index}${r.name === null ? '' : ` (${r.name})`}`);
    rows.push(['policies', `${s.policies.rules} rules${any.length === 0 ? '' : `; APPROVES ANYTHING it applies to: ${any.join(', ')} (match: any)`}`]);
  }
  if (s.unmanaged.length > 0) rows.push(['unmanaged', `${s.unmanaged.map((u) => u.name).join(', ')} (tmux sessions sessd did not create; left alone)`]);
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) ctx.out.line(`${key.padEnd(pad)}${value}`);
}
