import type { Session, SessionStatus } from '../../../shared/protocol/model.js';
import type { SelectorResult, SessionLifecycleParams, SessionSelector } from '../../../shared/protocol/session.js';
import { SessdError } from '../../sdk/errors.js';
import { UsageError } from '../args.js';
import { pairs, type Context } from '../context.js';
import { EXIT } from '../failure.js';
import { ref } from '../output.js';

type Verb = 'start' | 'stop' | 'restart' | 'pause' | 'resume' | 'suspend' | 'delete';

const DONE: Record<Verb, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  pause: 'paused',
  resume: 'resumed',
  suspend: 'suspended (checkpointed and stopped)',
  delete: 'deleted',
};

export function run(ctx: Context): Promise<number> {
  return act(ctx, ctx.parsed.command!.name as Verb);
}

/**
 * start, stop, restart, pause, resume, suspend and rm: on named sessions (each its own
 * request; one failing does not stop the others) or on a selector (one request).
 * Exit 1 when any of them failed, 4 when every named one was not found.
 */
export async function act(ctx: Context, verb: Verb): Promise<number> {
  const refs = ctx.args('session');
  const selector = selectorOf(ctx);
  if (refs.length > 0 && selector !== undefined) throw new UsageError('name sessions or select them, not both', ctx.parsed.command!.name);
  if (refs.length === 0 && selector === undefined) {
    throw new UsageError('name at least one session, or select with --space, --label, --status or --all', ctx.parsed.command!.name);
  }
  const extra: Partial<SessionLifecycleParams> = {};
  if (ctx.opt('force') === true) extra.force = true;
  if (ctx.opt('timeout') !== undefined) extra.timeoutMs = ctx.opt<number>('timeout')!;
  const client = await ctx.connect();
  const method = client.session[verb];

  if (selector !== undefined) {
    const result = (await method({ selector, ...extra })) as SelectorResult;
    if (ctx.json) ctx.out.json(result);
    else {
      for (const id of result.ok) ctx.out.line(`${id}: ${DONE[verb]}`);
      for (const f of result.failed) ctx.out.error(`sess: ${f.id}: ${f.error.message}`);
      if (result.ok.length + result.failed.length === 0) ctx.out.line('No session matched.');
    }
    return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
  }

  const outcomes = await Promise.allSettled(refs.map((session) => method({ session, ...extra }) as Promise<Session>));
  const only = outcomes[0];
  if (ctx.json && refs.length === 1 && only?.status === 'fulfilled') ctx.out.json(only.value);
  let failed = 0;
  let notFound = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') {
      if (!ctx.json) ctx.out.line(`${ref(outcome.value)}: ${DONE[verb]}${ended(outcome.value)}`);
      else if (refs.length > 1) ctx.out.json(outcome.value);
      return;
    }
    failed++;
    const error = outcome.reason as unknown;
    if (error instanceof SessdError && error.notFound) notFound++;
    if (!(error instanceof SessdError)) throw error;
    if (ctx.json) ctx.out.error(JSON.stringify({ session: refs[i], error: { code: error.code, message: error.message, data: error.data } }));
    else ctx.out.error(`sess: ${error.message}`);
  });
  if (failed === 0) return EXIT.ok;
  return notFound === refs.length ? EXIT.notFound : EXIT.failed;
}

function ended(s: Session): string {
  if (s.status !== 'stopped' || s.exitCode === null) return '';
  return s.exitSignal === null ? ` (exit ${s.exitCode})` : ` (${s.exitSignal})`;
}

function selectorOf(ctx: Context): SessionSelector | undefined {
  const selector: SessionSelector = {};
  if (ctx.opt('space') !== undefined) selector.space = ctx.opt<string>('space')!;
  if (ctx.opt('label') !== undefined) selector.labels = pairs(ctx.opt<string[]>('label'), 'label');
  if (ctx.opt('status') !== undefined) selector.status = ctx.opt<string[]>('status') as SessionStatus[];
  return Object.keys(selector).length > 0 || ctx.opt('all') === true ? selector : undefined;
}
