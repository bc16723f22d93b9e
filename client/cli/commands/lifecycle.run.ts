import type { Session } from '../../../shared/protocol/model.js';
import type { SelectorResult, SessionLifecycleParams, SessionSelector } from '../../../shared/protocol/session.js';
import { SessdError } from '../../sdk/errors.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { ref } from '../output.js';
import type { Input } from '../spec.js';
import { pairs } from '../values.js';
import type * as specs from './lifecycle.js';

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

/** What every lifecycle command parses to; only some take --force and --timeout. */
type LifecycleInput = Input<typeof specs.start> & { force?: boolean; timeout?: number | undefined };

export const start = (o: Input<typeof specs.start>, ctx: Context): Promise<number> => act(ctx, 'start', o);
export const stop = (o: Input<typeof specs.stop>, ctx: Context): Promise<number> => act(ctx, 'stop', o);
export const restart = (o: Input<typeof specs.restart>, ctx: Context): Promise<number> => act(ctx, 'restart', o);
export const pause = (o: Input<typeof specs.pause>, ctx: Context): Promise<number> => act(ctx, 'pause', o);
export const resume = (o: Input<typeof specs.resume>, ctx: Context): Promise<number> => act(ctx, 'resume', o);
export const suspend = (o: Input<typeof specs.suspend>, ctx: Context): Promise<number> => act(ctx, 'suspend', o);

/**
 * start, stop, restart, pause, resume, suspend and rm: on named sessions (each its own
 * request; one failing does not stop the others) or on a selector (one request).
 * Exit 1 when any of them failed, 4 when every named one was not found.
 */
export async function act(ctx: Context, verb: Verb, o: LifecycleInput): Promise<number> {
  const refs = o.session;
  const selector = selectorOf(o);
  if (refs.length > 0 && selector !== undefined) throw new UsageError('name sessions or select them, not both', ctx.command);
  if (refs.length === 0 && selector === undefined) {
    throw new UsageError('name at least one session, or select with --space, --label, --status or --all', ctx.command);
  }
  const extra: Partial<SessionLifecycleParams> = {};
  if (o.force === true) extra.force = true;
  if (o.timeout !== undefined) extra.timeoutMs = o.timeout;
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
      if (!ctx.json) ctx.out.line(`${ref(outcome.value)}: ${DONE[verb]}${ended(outcome.value)}${kept(outcome.value)}`);
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

/** What `rm` left of a worktree session, and why (the delete reply's `worktree.kept`). */
function kept(s: Session): string {
  return s.worktree?.kept === undefined ? '' : `; ${s.worktree.kept}`;
}

function ended(s: Session): string {
  if (s.status !== 'stopped' || s.exitCode === null) return '';
  return s.exitSignal === null ? ` (exit ${s.exitCode})` : ` (${s.exitSignal})`;
}

function selectorOf(o: LifecycleInput): SessionSelector | undefined {
  const selector: SessionSelector = {};
  if (o.space !== undefined) selector.space = o.space;
  if (o.label.length > 0) selector.labels = pairs(o.label, 'label');
  if (o.status.length > 0) selector.status = o.status;
  return Object.keys(selector).length > 0 || o.all ? selector : undefined;
}
