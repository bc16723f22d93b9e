import type { Context } from '../context.js';
import { visible } from '../output.js';
import type { Input } from '../spec.js';
import type { test as testSpec } from './notify.js';

export async function test(o: Input<typeof testSpec>, ctx: Context): Promise<number> {
  const client = await ctx.connect();
  const result = await client.notify.test({ ...(o.rule === undefined ? {} : { rule: o.rule }), ...(o.session === undefined ? {} : { session: o.session }) });
  const failed = result.rules.some((r) => r.actions.some((a) => a.outcome === 'failed'));
  if (ctx.json) ctx.out.json(result);
  else if (result.rules.length === 0) ctx.out.line('no notify rules in the config file (see `notify:` in the README)');
  else {
    for (const r of result.rules) {
      ctx.out.line(`${visible(r.rule)}: ${visible(r.title)}`);
      for (const a of r.actions) ctx.out.line(`  ${a.action.padEnd(8)} ${a.outcome}${a.error === undefined ? '' : `: ${visible(a.error)}`}`);
    }
  }
  return failed ? 1 : 0;
}
