import type { Logger } from 'pino';
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
import { matchesSelector } from '../sessions/query.js';
import type { ClientConnection } from './connection.js';

/** What a handler learns of the request besides its params: who asked, and whether they still wait. */
export interface HandlerContext {
  conn: ClientConnection;
  token: CancellationToken;
}

/**
 * One request's handler, as the dispatcher sees it. `params` is the declaration's
 * own schema (shared/protocol), and `run` receives params that passed it; the
 * factories below resolve the target session first, so a handler body only acts.
 * Handlers are built by factories in daemon/handlers/ from the parts they use.
 */
export interface Handler {
  readonly method: string;
  readonly params: z.ZodType<unknown>;
  /** False only for `initialize`: everything else needs the handshake first. */
  readonly needsInit: boolean;
  run(params: unknown, ctx: HandlerContext): Promise<unknown>;
}

/** Where handlers find the sessions a request names (the session registry). */
export interface SessionLookup {
  resolve(ref: string): Session | undefined;
  all(): Session[];
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

/** A request about one existing session: `params.session` is resolved in `sessions` before `handle` runs. */
export function sessionRequest<D extends RequestDeclaration & { params: z.ZodType<{ session: string }> }>(
  decl: D,
  sessions: SessionLookup,
  handle: (params: In<D>, session: Session, ctx: HandlerContext) => Promise<Out<D>> | Out<D>,
): Handler {
  return request(decl, (p, ctx) => handle(p, resolveSession(sessions, (p as { session: string }).session), ctx));
}

/**
 * A lifecycle request: for `session`, the handler's Session; for `selector`, the
 * handler is run on every matching session and partial failure is data. Each
 * session's failure in a batch is logged here once, with the session's id: the batch
 * itself succeeds, so the dispatcher's line would not tell of it.
 */
export function lifecycleRequest(
  decl: RequestDeclaration<string, typeof SessionLifecycleParamsSchema, typeof SessionLifecycleResultSchema>,
  { sessions, log }: { sessions: SessionLookup; log: Logger },
  handle: (session: Session, params: SessionLifecycleParams, ctx: HandlerContext) => Promise<Session>,
): Handler {
  return request(decl, async (p, ctx) => {
    if (p.session !== undefined) return handle(resolveSession(sessions, p.session), p, ctx);
    const selected = sessions.all().filter((s) => matchesSelector(s, p.selector ?? {}));
    const results = await Promise.allSettled(selected.map((s) => handle(s, p, ctx)));
    const out: SelectorResult = { ok: [], failed: [] };
    results.forEach((result, i) => {
      const id = selected[i]!.id;
      if (result.status === 'fulfilled') out.ok.push(id);
      else {
        const error = errorObject(result.reason);
        log.warn({ conn: ctx.conn.id, method: decl.method, session: id, code: error.code, error: error.message }, 'selected session failed');
        out.failed.push({ id, error });
      }
    });
    return out;
  });
}

/** The session `ref` (an id, `space/name` or a name in the default space) names, or `session_not_found`. */
export function resolveSession(sessions: Pick<SessionLookup, 'resolve'>, ref: string): Session {
  const session = sessions.resolve(ref);
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
