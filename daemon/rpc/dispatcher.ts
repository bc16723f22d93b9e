import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc';
import { RpcErrorCode, sessdErrorName, type NotImplementedData } from '../../shared/errors.js';
import { ALL_REQUESTS } from '../../shared/protocol/index.js';
import { BackendTimeout, BackendUnavailable } from '../backend/backend.js';
import { errors } from '../errors.js';
import type { ClientConnection } from './connection.js';
import type { Handler, HandlerContext } from './handler.js';
import type { RequestMetrics } from './request-metrics.js';
import { parseParams } from './validate.js';

/** LSP's RequestCancelled: the reply to a request nobody waits for any more (it is never sent). */
const REQUEST_CANCELLED = -32800;

/**
 * The RPC boundary: every request passes here once. It checks the handshake,
 * validates params, runs the handler, turns failures into protocol errors, and logs
 * one line with the method, the duration and the outcome.
 */
export class Dispatcher {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    handlers: readonly Handler[],
    /** Every request's duration and outcome, by method. */
    private readonly metrics: Pick<RequestMetrics, 'record'>,
    private readonly log: Logger,
  ) {
    for (const handler of handlers) this.handlers.set(handler.method, handler);
  }

  /**
   * One entry point for every request. vscode-jsonrpc's typed registration would
   * refuse a request that omits `params`, which JSON-RPC allows; here the params
   * arrive as sent and the handler's schema decides.
   */
  attach(conn: ClientConnection): void {
    conn.rpc.onRequest((method: string, params: unknown, token: CancellationToken) =>
      // Requests read before the client went (or was cut off) are dropped, not run for no one.
      conn.isClosed
        ? Promise.reject(new ResponseError(REQUEST_CANCELLED, 'the connection is closed'))
        : conn.track(this.dispatch({ conn, token }, method, params)),
    );
  }

  private async dispatch(ctx: HandlerContext, method: string, params: unknown): Promise<unknown> {
    const { conn } = ctx;
    const started = performance.now();
    try {
      const result = await this.invoke(ctx, method, params);
      this.metrics.record(method, performance.now() - started);
      this.log.debug({ conn: conn.id, method, ms: elapsed(started), outcome: 'ok' }, 'request');
      return result;
    } catch (error) {
      const reply = toResponseError(error, method);
      this.metrics.record(method, performance.now() - started, errorName(reply));
      const line = { conn: conn.id, method, ms: elapsed(started), outcome: 'error', code: reply.code, error: reply.message };
      if (reply.code === RpcErrorCode.InternalError) this.log.error({ ...line, err: error }, 'request failed');
      else if (sessdErrorName(reply.code) === 'storage_error') this.log.warn(line, 'request failed');
      else this.log.debug(line, 'request');
      throw reply;
    }
  }

  private async invoke(ctx: HandlerContext, method: string, params: unknown): Promise<unknown> {
    const handler = this.handlers.get(method);
    if (handler === undefined) {
      if (DECLARED.has(method)) {
        throw new ResponseError<NotImplementedData>(
          RpcErrorCode.MethodNotFound,
          `${method} is not implemented by this sessd yet`,
          { code: 'not_implemented', method },
        );
      }
      throw new ResponseError(RpcErrorCode.MethodNotFound, `unknown method: ${method}`, { code: 'method_not_found', method });
    }
    if (handler.needsInit && !ctx.conn.initialized) {
      throw new ResponseError(RpcErrorCode.InvalidRequest, `${method} before initialize: send initialize first`, {
        code: 'not_initialized',
      });
    }
    const valid = parseParams(handler.params, params);
    return handler.run(valid, ctx);
  }
}

const DECLARED = new Set(ALL_REQUESTS.map((d) => d.method));

/** The error's name for metrics: `data.code` when it has one, else the JSON-RPC code. */
function errorName(reply: ResponseError<unknown>): string {
  const code = (reply.data as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : String(reply.code);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** Expected failures pass through; a backend outage becomes provider_unavailable; anything else is a bug. */
function toResponseError(error: unknown, method: string): ResponseError<unknown> {
  if (error instanceof ResponseError) return error;
  if (error instanceof BackendUnavailable) return errors.providerUnavailable(error.message);
  if (error instanceof BackendTimeout) return errors.timeout('tmux', error.timeoutMs);
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(RpcErrorCode.InternalError, `internal error in ${method}: ${message}`, { code: 'internal_error' });
}
