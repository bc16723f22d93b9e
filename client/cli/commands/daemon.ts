import type { Context } from '../context.js';

export async function run(ctx: Context): Promise<void> {
  const verb = ctx.parsed.command!.name.split(' ')[1];
  if (verb === 'start') {
    const client = await ctx.connect();
    const status = await client.daemon.status();
    if (ctx.json) ctx.out.json(status);
    else ctx.out.line(`sessd ${status.version} is running (pid ${status.pid}) on ${status.paths.socket}`);
    return;
  }
  // Stopping or asking about a daemon that is not running must not start one.
  ctx.parsed.options['no-autostart'] = true;
  const client = await ctx.connect();
  if (verb === 'stop') {
    const { pid } = await client.daemon.status();
    const result = await client.daemon.shutdown();
    if (ctx.json) ctx.out.json(result);
    else ctx.out.line(`sessd (pid ${pid}) is stopping; sessions keep running`);
    return;
  }
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
  if (s.unmanaged.length > 0) rows.push(['unmanaged', `${s.unmanaged.map((u) => u.name).join(', ')} (tmux sessions sessd did not create; left alone)`]);
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [key, value] of rows) ctx.out.line(`${key.padEnd(pad)}${value}`);
}
