import type { InteractionDetail } from '../../../shared/protocol/model.js';
import type { Context } from '../context.js';
import { visible } from '../output.js';
import type { Input } from '../spec.js';
import { jsonObject } from '../values.js';
import { describeDetail } from './inbox.run.js';
import type * as specs from './policy.js';

/** `sess policy test`. */
export async function test({ session, tool, command, detail }: Input<typeof specs.test>, ctx: Context): Promise<void> {
  let sample: Partial<InteractionDetail> | undefined;
  if (tool !== undefined || command !== undefined || detail !== undefined) {
    sample = { ...(detail === undefined ? {} : (jsonObject(detail, 'detail'))), ...(tool === undefined ? {} : { tool }), ...(command === undefined ? {} : { command }) };
  }
  const client = await ctx.connect();
  const result = await client.policy.test({ session, ...(sample === undefined ? {} : { detail: sample }) });
  if (ctx.json) return ctx.out.json(result);
  ctx.out.line(`approval  ${result.detail === null ? '(none)' : visible(describeDetail(result.detail))}`);
  for (const t of result.trace) ctx.out.line(`rule ${t.index}${t.name === null ? '' : ` (${visible(t.name)})`}: ${visible(t.outcome)}`);
  const by = result.rule === null ? 'no rule' : `rule ${result.rule.index}${result.rule.name === null ? '' : ` (${visible(result.rule.name)})`}`;
  ctx.out.line(`decision  ${result.decision} by ${by}${result.reason === null ? '' : `: ${visible(result.reason)}`}`);
  if (result.policy === 'off') ctx.out.line('policies are off for this session (sess update SESSION --policy on)');
}
