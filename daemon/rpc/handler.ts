import type { CancellationToken } from 'vscode-jsonrpc';
import type { z } from 'zod';
import type { RequestDeclaration } from '../../shared/protocol/define.js';
import type { Session } from '../../shared/protocol/model.js';
import type {
  SelectorResult,
  SessionLifecycleParams,
  SessionLifecycleParamsSchema,
  SessionLifecycleResultSchema,
} from '../../shared/protocol/session.js';
import { errors } from '../errors.js';
import type { Services } from '../services.js';
import { matchesSelector } from '../sessions/query.js';
import type { ClientConnection } from './connection.js';

export interface HandlerContext {
  conn: ClientConnection;
  services: Services;
  token: CancellationToken;
}

/**
 * One request's handler, as the dispatcher sees it. `params` is the declaration's
 * own schema (shared/protocol), and `run` receives params that passed it; the
 * factories below resolve the target session first, so a handler body only acts.
 */
export interface Handler {
  readonly method: string;
  readonly params: z.ZodType<unknown>;
  /** False only for `initialize`: everything else needs the handshake first. */
  readonly needsInit: boolean;
  run(params: unknown, ctx: HandlerContext): Promise<unknown>;
}

/** What a handler of `D` receives (its params schema's output) and answers (its result schema's type). */
type In<D extends RequestDeclaration> = z.output<D['params']>;
type Out<D extends RequestDeclaration> = z.infer<D['result']>;

/** A handler for `decl`: the dispatcher validates params with `decl.params` before `handle` runs. */
export function request<D extends RequestDeclaration>(
  decl: D,
  handle: (params: In<D>, ctx: HandlerContext) => Promise<Out<D>> | Out<D>,
  needsInit = true,
): Handler {
  return { method: decl.method, params: decl.params, needsInit, run: async (p, ctx) => handle(p as In<D>, ctx) };
}

/** A request about one existing session: `params.session` is resolved before `handle` runs. */
export function sessionRequest<D extends RequestDeclaration & { params: z.ZodType<{ session: string }> }>(
  decl: D,
  handle: (params: In<D>, session: Session, ctx: HandlerContext) => Promise<Out<D>> | Out<D>,
): Handler {
  return request(decl, (p, ctx) => handle(p, resolveSession(ctx, (p as { session: string }).session), ctx));
}

/**
 * A lifecycle request: for `session`, the handler's Session; for `selector`, the
 * handler is run on every matching session and partial failure is data.
 */
export function lifecycleRequest(
  decl: RequestDeclaration<string, typeof SessionLifecycleParamsSchema, typeof SessionLifecycleResultSchema>,
  handle: (session: Session, params: SessionLifecycleParams, ctx: HandlerContext) => Promise<Session>,
): Handler {
  return request(decl, async (p, ctx) => {
    if (p.session !== undefined) return handle(resolveSession(ctx, p.session), p, ctx);
    const selected = ctx.services.registry.all().filter((s) => matchesSelector(s, p.selector ?? {}));
    const results = await Promise.allSettled(selected.map((s) => handle(s, p, ctx)));
    const out: SelectorResult = { ok: [], failed: [] };
    results.forEach((result, i) => {
      const id = selected[i]!.id;
      if (result.status === 'fulfilled') out.ok.push(id);
      else out.failed.push({ id, error: errorObject(result.reason) });
    });
    return out;
  });
}

export function resolveSession(ctx: HandlerContext, ref: string): Session {
  const session = ctx.services.registry.resolve(ref);
  if (session === undefined) throw errors.sessionNotFound(ref);
  return session;
}

function errorObject(error: unknown): SelectorResult['failed'][number]['error'] {
  const e = error as { code?: unknown; message?: unknown; data?: unknown };
  return {
    code: typeof e.code === 'number' ? e.code : -32603,
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(e.data === undefined ? {} : { data: e.data }),
  };
}
