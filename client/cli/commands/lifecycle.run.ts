import type { Session } from '../../../shared/protocol/model.js';
import type { SelectorResult, SessionLifecycleParams, SessionSelector } from '../../../shared/protocol/session.js';
import type { SessdClient } from '../../sdk/client.js';
import { SessdError } from '../../sdk/errors.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { ref, visible } from '../output.js';
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
    // Names for the ids the reply holds, read first: `rm` leaves nothing to read after.
    const names = ctx.json ? new Map<string, string>() : new Map((await client.listAll(selector)).map((s) => [s.id, ref(s)]));
    const name = (id: string): string => visible(names.get(id) ?? id);
    const result = (await method({ selector, ...extra })) as SelectorResult;
    let alreadyEnded = 0;
    if (verb === 'stop') {
      // Programs that ended by themselves are already what a stop asks for.
      const ended = result.failed.filter((f) => endedBy(f.error.data) !== undefined);
      result.failed = result.failed.filter((f) => !ended.includes(f));
      alreadyEnded = ended.length;
      for (const f of ended) {
        if (!ctx.json) ctx.out.line(`${name(f.id)}: not running (${endedBy(f.error.data)!})`);
      }
    }
    if (ctx.json) ctx.out.json(result);
    else {
      for (const id of result.ok) ctx.out.line(`${name(id)}: ${DONE[verb]}`);
      for (const f of result.failed) ctx.out.error(`sess: ${name(f.id)}: ${f.error.message}`);
      if (result.ok.length + result.failed.length + alreadyEnded === 0) ctx.out.line('No session matched.');
    }
    return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
  }

  const outcomes = await Promise.allSettled(refs.map((session) => method({ session, ...extra }) as Promise<Session>));
  if (verb === 'stop') await notRunning(client, outcomes);
  const only = outcomes[0];
  if (ctx.json && refs.length === 1 && only?.status === 'fulfilled') ctx.out.json(only.value);
  let failed = 0;
  let notFound = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') {
      const done = verb === 'stop' && outcome.value.status !== 'stopped' ? `not running (${outcome.value.status})` : DONE[verb];
      if (!ctx.json) ctx.out.line(`${ref(outcome.value)}: ${done}${ended(outcome.value)}${kept(outcome.value)}`);
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

/** Statuses in which a stop finds the program already ended (a second stop of a stopped one is still an error). */
const ALREADY_ENDED = ['exited', 'crashed', 'created'];

/** The status an invalid_state error found, when it is one in which the program had ended already. */
function endedBy(data: unknown): string | undefined {
  const d = data as { code?: unknown; status?: unknown } | undefined;
  return d?.code === 'invalid_state' && typeof d.status === 'string' && ALREADY_ENDED.includes(d.status) ? d.status : undefined;
}

/**
 * `sess stop api && sess start api` holds for a program that ended by itself: its stop
 * is a success with nothing to do, replaced here by the session as it is.
 */
async function notRunning(client: SessdClient, outcomes: PromiseSettledResult<Session>[]): Promise<void> {
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status !== 'rejected' || !(outcome.reason instanceof SessdError) || endedBy(outcome.reason.data) === undefined) continue;
    const id = outcome.reason.data.id as string;
    outcomes[i] = await client.session.get({ session: id }).then(
      (value): PromiseSettledResult<Session> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<Session> => ({ status: 'rejected', reason }),
    );
  }
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
