import type { Template } from '../../../shared/protocol/model.js';
import type { TemplateInfo } from '../../../shared/protocol/template.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { shellWords } from '../output.js';
import type { Input } from '../spec.js';
import { pairs, terminalSize } from '../values.js';
import type * as specs from './template.js';

function describe(t: TemplateInfo): string {
  const parts = [t.command === undefined ? '(shell)' : shellWords(t.command)];
  if (t.space !== undefined) parts.push(`space ${t.space}`);
  if (t.agent !== undefined) parts.push(`agent ${t.agent}`);
  if (t.restartPolicy !== undefined) parts.push(`restart ${t.restartPolicy}`);
  const from = t.source === 'config' ? 'config file' : 'stored';
  const note = t.shadows === 'rpc' ? ', hides a stored one' : t.shadowedBy === 'config' ? ', HIDDEN by the config file\'s template of this name' : '';
  return `${t.name}  ${parts.join(', ')}  (${from}${note})`;
}

/** `sess templates`. */
export async function templates(_: Input<typeof specs.templates>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const { templates } = await client.template.list();
  if (ctx.json) ctx.out.json({ templates });
  else if (templates.length === 0) ctx.out.line('no templates (add them under `templates:` in the config file, or with `sess template set`)');
  else for (const t of templates) ctx.out.line(describe(t));
}

/** `sess template show`. */
export async function show({ name }: Input<typeof specs.show>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const t = await client.template.get({ name });
  if (ctx.json) ctx.out.json(t);
  else ctx.out.line(`${describe(t)}\n${JSON.stringify({ ...t, source: undefined, shadows: undefined, shadowedBy: undefined }, null, 2)}`);
}

/** `sess template rm`. */
export async function rm({ name }: Input<typeof specs.rm>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  await client.template.delete({ name });
  if (ctx.json) ctx.out.json({});
  else ctx.out.line(`deleted template ${name}`);
}

/** `sess template set`. */
export async function set(o: Input<typeof specs.set>, ctx: Context): Promise<void> {
  const client = await ctx.connect();
  const name = o.name;
  if (name === undefined) throw new UsageError('template set needs --name NAME', 'template set');
  const template: Template = { name };
  if (o.program.length > 0) template.command = o.program;
  if (o.space !== undefined) template.space = o.space;
  if (o.cwd !== undefined) template.cwd = o.cwd;
  if (o.agent !== undefined) template.agent = o.agent;
  if (o.type !== undefined) template.sessionType = o.type;
  if (o.restart !== undefined) template.restartPolicy = o.restart;
  if (o.env.length > 0) template.env = pairs(o.env, 'env');
  if (o.label.length > 0) template.labels = pairs(o.label, 'label');
  if (o.size !== undefined) template.size = terminalSize(o.size, 'template set');
  const saved = await client.template.set({ template });
  if (ctx.json) ctx.out.json(saved);
  else {
    ctx.out.line(`stored template ${describe(saved)}`);
    if (saved.shadowedBy === 'config') ctx.out.error(`sess: note: the config file has a template named ${name}; it wins over this one until removed there`);
  }
}
