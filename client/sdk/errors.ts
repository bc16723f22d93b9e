import { RpcErrorCode, SessdErrorCode, sessdErrorName } from '../../shared/errors.js';
import type { RpcErrorObject } from './transport.js';

const STANDARD_NAMES = new Map<number, string>([
  [RpcErrorCode.ParseError, 'parse_error'],
  [RpcErrorCode.InvalidRequest, 'invalid_request'],
  [RpcErrorCode.MethodNotFound, 'method_not_found'],
  [RpcErrorCode.InvalidParams, 'invalid_params'],
  [RpcErrorCode.InternalError, 'internal_error'],
]);

/**
 * An error reply from sessd. `kind` is a stable name to switch on: the
 * application error's `data.code` (`session_not_found`, `invalid_state`, ...), or for
 * the standard codes `data.code` when given (`not_implemented`, `protocol_mismatch`,
 * `not_initialized`) and otherwise the code's own name (`invalid_params`).
 */
export class SessdError extends Error {
  readonly code: number;
  readonly kind: string;
  readonly data: Record<string, unknown>;

  constructor(
    readonly method: string,
    error: RpcErrorObject,
  ) {
    super(error.message);
    this.name = 'SessdError';
    this.code = error.code;
    this.data = typeof error.data === 'object' && error.data !== null ? (error.data as Record<string, unknown>) : {};
    const named = typeof this.data.code === 'string' ? this.data.code : undefined;
    this.kind = named ?? sessdErrorName(error.code) ?? STANDARD_NAMES.get(error.code) ?? `error ${error.code}`;
  }

  /** True when the daemon does not know the method (an older sessd, or a method a later sessd adds). */
  get unsupported(): boolean {
    return this.code === RpcErrorCode.MethodNotFound;
  }

  /** True for the "no such thing" errors (a session, checkpoint, template, interaction, message or attach). */
  get notFound(): boolean {
    return (
      this.code === SessdErrorCode.session_not_found ||
      this.code === SessdErrorCode.checkpoint_not_found ||
      this.code === SessdErrorCode.template_not_found ||
      this.code === SessdErrorCode.interaction_not_found ||
      this.code === SessdErrorCode.message_not_found ||
      this.code === SessdErrorCode.attach_not_found
    );
  }
}

/** No sessd answers on the socket (and none could be started). */
export class DaemonUnreachableError extends Error {
  constructor(
    readonly socket: string,
    readonly reason: string,
  ) {
    super(`sessd is not running on ${socket} (${reason})`);
    this.name = 'DaemonUnreachableError';
  }
}
