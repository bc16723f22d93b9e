import { resolve } from 'node:path';
import type { SessionCreateParams } from '../../../shared/protocol/session.js';
import { callerEnvironment } from '../../../shared/caller-env.js';
import { REDACTED, SECRET_NAME, SECRET_VALUE } from '../../../shared/secrets.js';
import type { Context } from '../context.js';
import { ref, shellWords } from '../output.js';
import type { SessionCreateResult } from '../../../shared/protocol/session.js';
import type { Input } from '../spec.js';
import { jsonObject, pairs, terminalSize } from '../values.js';
import { attachTo } from './attach.run.js';
import type { spec } from './new.js';

export async function run(o: Input<typeof spec>, ctx: Context): Promise<number | void> {
  const params: SessionCreateParams = {
    // This directory means nothing on another machine: there the session starts where --cwd says, or in sessd's default.
    ...(ctx.host === undefined ? { cwd: resolve(o.cwd ?? process.cwd()) } : o.cwd === undefined ? {} : { cwd: o.cwd }),
    ...(o.program.length > 0 ? { command: o.program } : {}),
  };
  if (o.name !== undefined) params.name = o.name;
  if (o.space !== undefined) params.space = o.space;
  if (o.template !== undefined) params.template = o.template;
  if (o.task !== undefined) params.taskId = o.task;
  if (o.agent !== undefined) params.agent = o.agent;
  if (o.agentId !== undefined) params.agentId = o.agentId;
  if (o.type !== undefined) params.sessionType = o.type;
  if (o.restart !== undefined) params.restartPolicy = o.restart;
  if (o.env.length > 0) params.env = pairs(o.env, 'env');
  if (!o.cleanEnv) params.callerEnv = callerEnvironment(process.env);
  if (o.label.length > 0) params.labels = pairs(o.label, 'label');
  if (o.context !== undefined) params.context = jsonObject(o.context, 'context');
  if (o.size !== undefined) params.size = terminalSize(o.size, 'new');
  if (o.noStart) params.start = false;
  if (o.dryRun) params.dryRun = true;
  if (o.worktree || o.branch !== undefined || o.base !== undefined) {
    const worktree = { ...(o.branch === undefined ? {} : { branch: o.branch }), ...(o.base === undefined ? {} : { base: o.base }) };
    params.worktree = Object.keys(worktree).length === 0 ? true : worktree;
  }

  const client = await ctx.connect();
  const session = await client.session.create(params);
  if (session.resolution !== undefined) return printResolution(ctx, session);
  if (ctx.json) ctx.out.json(session);
  else {
    ctx.out.line(`${session.status === 'running' ? 'started' : 'created'} ${ref(session)} (${session.id}): ${shellWords(session.command)}`);
    if (session.worktree !== undefined) ctx.out.line(`worktree ${session.worktree.path} on branch ${session.worktree.branch}`);
  }
  if (o.attach) return attachTo(ctx, session, false);
}

/** A dry run: each field of the session that would be created, and the layer it came from. */
function printResolution(ctx: Context, session: SessionCreateResult): void {
  if (ctx.json) return ctx.out.json(session);
  const { sources, template } = session.resolution!;
  const rows: [string, string, string][] = [];
  const add = (field: string, value: unknown): void => {
    rows.push([field, typeof value === 'string' ? value : JSON.stringify(value), sources[field] ?? 'builtin']);
  };
  add('name', session.name);
  add('space', session.space);
  add('command', shellWords(session.command));
  add('cwd', session.cwd);
  add('agent', session.agent);
  add('restartPolicy', session.restartPolicy);
  add('size', `${session.size.cols}x${session.size.rows}`);
  if (session.sessionType !== null) add('sessionType', session.sessionType);
  let inherited = 0;
  for (const map of ['env', 'labels', 'context', 'limits'] as const) {
    for (const [key, value] of Object.entries(session[map] ?? {})) {
      // The caller's own environment is summed up in one line, not listed.
      if (map === 'env' && sources[`env.${key}`] === 'caller') inherited++;
      else add(`${map}.${key}`, map === 'env' && typeof value === 'string' && (SECRET_NAME.test(key) || SECRET_VALUE.test(value)) ? REDACTED : value);
    }
  }
  if (inherited > 0) rows.push(['env', `${inherited} variables of yours`, 'caller']);
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const valueWidth = Math.min(60, Math.max(...rows.map(([, v]) => v.length))) + 2;
  ctx.out.line(`dry run: nothing was created${template === null ? '' : ` (template ${template.name}, from ${template.source === 'config' ? 'the config file' : 'the store'})`}`);
  for (const [field, value, source] of rows) ctx.out.line(`${field.padEnd(width)}${value.padEnd(valueWidth)}${source}`);
}
