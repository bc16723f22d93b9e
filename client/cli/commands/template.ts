import type { Template } from '../../../shared/protocol/model.js';
import type { TemplateInfo } from '../../../shared/protocol/template.js';
import { UsageError } from '../args.js';
import { pairs, type Context } from '../context.js';
import { shellWords } from '../output.js';
import { terminalSize } from './new.js';

function describe(t: TemplateInfo): string {
  const parts = [t.command === undefined ? '(shell)' : shellWords(t.command)];
  if (t.space !== undefined) parts.push(`space ${t.space}`);
  if (t.agent !== undefined) parts.push(`agent ${t.agent}`);
  if (t.restartPolicy !== undefined) parts.push(`restart ${t.restartPolicy}`);
  const from = t.source === 'config' ? 'config file' : 'stored';
  const note = t.shadows === 'rpc' ? ', hides a stored one' : t.shadowedBy === 'config' ? ', HIDDEN by the config file\'s template of this name' : '';
  return `${t.name}  ${parts.join(', ')}  (${from}${note})`;
}

export async function run(ctx: Context): Promise<number | void> {
  const verb = ctx.parsed.command!.name;
  const client = await ctx.connect();
  if (verb === 'templates') {
    const { templates } = await client.template.list();
    if (ctx.json) ctx.out.json({ templates });
    else if (templates.length === 0) ctx.out.line('no templates (add them under `templates:` in the config file, or with `sess template set`)');
    else for (const t of templates) ctx.out.line(describe(t));
    return;
  }
  if (verb === 'template show') {
    const t = await client.template.get({ name: ctx.arg('name') });
    if (ctx.json) ctx.out.json(t);
    else ctx.out.line(`${describe(t)}\n${JSON.stringify({ ...t, source: undefined, shadows: undefined, shadowedBy: undefined }, null, 2)}`);
    return;
  }
  if (verb === 'template rm') {
    await client.template.delete({ name: ctx.arg('name') });
    if (ctx.json) ctx.out.json({});
    else ctx.out.line(`deleted template ${ctx.arg('name')}`);
    return;
  }
  const name = ctx.opt<string>('name');
  if (name === undefined) throw new UsageError('template set needs --name NAME', 'template set');
  const template: Template = { name };
  if (ctx.parsed.program.length > 0) template.command = ctx.parsed.program;
  const copy = (option: string, field: 'space' | 'cwd' | 'agent' | 'sessionType' | 'restartPolicy'): void => {
    const value = ctx.opt<string>(option);
    if (value !== undefined) (template as unknown as Record<string, string>)[field] = value;
  };
  copy('space', 'space');
  copy('cwd', 'cwd');
  copy('agent', 'agent');
  copy('type', 'sessionType');
  copy('restart', 'restartPolicy');
  if (ctx.opt('env') !== undefined) template.env = pairs(ctx.opt<string[]>('env'), 'env');
  if (ctx.opt('label') !== undefined) template.labels = pairs(ctx.opt<string[]>('label'), 'label');
  const size = ctx.opt<string>('size');
  if (size !== undefined) template.size = terminalSize(size, 'template set');
  const saved = await client.template.set({ template });
  if (ctx.json) ctx.out.json(saved);
  else {
    ctx.out.line(`stored template ${describe(saved)}`);
    if (saved.shadowedBy === 'config') ctx.out.error(`sess: note: the config file has a template named ${name}; it wins over this one until removed there`);
  }
}
