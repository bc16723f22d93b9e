import type { CancellationToken } from 'vscode-jsonrpc';
import type { z } from 'zod';
import type { RequestDeclaration } from '../../shared/protocol/define.js';
import type { Session } from '../../shared/protocol/model.js';
import type { SelectorResult, SessionLifecycleParams } from '../../shared/protocol/session.js';
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
 * One request's handler, as the dispatcher sees it. `run` receives params that
 * passed `params`; the factories below resolve the target session first, so a
 * handler body only acts.
 */
export interface Handler {
  readonly method: string;
  readonly params: z.ZodType<unknown>;
  /** False only for `initialize`: everything else needs the handshake first. */
  readonly needsInit: boolean;
  run(params: unknown, ctx: HandlerContext): Promise<unknown>;
}

export function request<P, R>(
  decl: RequestDeclaration<P, R>,
  params: z.ZodType<P>,
  handle: (params: P, ctx: HandlerContext) => Promise<R> | R,
  needsInit = true,
): Handler {
  return { method: decl.method, params, needsInit, run: async (p, ctx) => handle(p as P, ctx) };
}

/** A request about one existing session: `params.session` is resolved before `handle` runs. */
export function sessionRequest<P extends { session: string }, R>(
  decl: RequestDeclaration<P, R>,
  params: z.ZodType<P>,
  handle: (params: P, session: Session, ctx: HandlerContext) => Promise<R> | R,
): Handler {
  return request(decl, params, (p, ctx) => handle(p, resolveSession(ctx, p.session), ctx));
}

/**
 * A lifecycle request: for `session`, the handler's Session; for `selector`, the
 * handler is run on every matching session and partial failure is data.
 */
export function lifecycleRequest(
  decl: RequestDeclaration<SessionLifecycleParams, Session | SelectorResult>,
  params: z.ZodType<SessionLifecycleParams>,
  handle: (session: Session, params: SessionLifecycleParams, ctx: HandlerContext) => Promise<Session>,
): Handler {
  return request(decl, params, async (p, ctx) => {
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
