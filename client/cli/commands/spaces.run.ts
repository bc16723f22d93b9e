import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import type * as specs from './spaces.js';

/** `sess providers`. */
export async function providers(_: Input<typeof specs.providers>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { providers } = await client.provider.list();
  if (ctx.json) return ctx.out.json({ providers });
  for (const p of providers) {
    ctx.out.line(`${p.name}  ${p.available ? `available, version ${p.version}` : `unavailable: ${p.reason}`}`);
    ctx.out.line(`  capabilities: ${p.capabilities.join(', ')}`);
    const { mechanism, fields } = p.resourceLimits;
    ctx.out.line(`  resource limits: ${mechanism === null ? 'none on this machine' : `${fields.join(', ')} (by ${mechanism})`}`);
  }
}

/** `sess spaces`. */
export async function spaces(_: Input<typeof specs.spaces>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { spaces } = await client.space.list();
  if (ctx.json) return ctx.out.json({ spaces });
  const width = Math.max(5, ...spaces.map((s) => s.name.length)) + 2;
  ctx.out.line(`${'SPACE'.padEnd(width)}SESSIONS`);
  for (const s of spaces) {
    const counts = Object.entries(s.byStatus).map(([k, v]) => `${v} ${k}`).join(', ');
    ctx.out.line(`${s.name.padEnd(width)}${s.sessions}${counts === '' ? '' : ` (${counts})`}${s.configured ? '  [configured]' : ''}`);
  }
}
