import { RpcErrorCode, SessdErrorCode, sessdErrorName } from '../../shared/errors.js';
import type { DirProblem } from '../../shared/paths.js';

/** An error reply, as the daemon sent it. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

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
  /** The remote machine whose sessd answered, when the client reached it by a command (`ssh HOST sess proxy`). */
  host?: string;

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

/**
 * No sessd answers on the socket (and none could be started): nothing listens there
 * (`stage: 'connect'`), or something does but ended the connection before it answered
 * `initialize` (`'handshake'`: a daemon out of file descriptors, or not sessd at all).
 */
export class DaemonUnreachableError extends Error {
  constructor(
    readonly socket: string,
    readonly reason: string,
    readonly stage: 'connect' | 'handshake' = 'connect',
  ) {
    super(stage === 'handshake' ? `sessd on ${socket} hung up before answering (${reason})` : `sessd is not running on ${socket} (${reason})`);
    this.name = 'DaemonUnreachableError';
  }
}

/**
 * The socket's directory is not ours alone, so whatever listens there may be another
 * user's program waiting for what a client sends (environments with API keys, text
 * typed into sessions); the client does not connect. `directory` is the checked one.
 */
export class UnsafeSocketError extends DaemonUnreachableError {
  constructor(
    socket: string,
    readonly directory: string,
    readonly problem: DirProblem,
  ) {
    super(socket, `unsafe permissions: ${problem.message}`);
    this.message = `not connecting to ${socket}: ${problem.message}, so another user could be listening there (unsafe permissions)`;
    this.name = 'UnsafeSocketError';
  }
}

/**
 * A sessd on another machine could not be reached through its command (`ssh HOST sess
 * proxy`): `ssh` itself failed (the host is down, refused, unknown, or would not take
 * our key: `detail` is ssh's own message), the remote side has no `sess` to run
 * (`no-sess`), or `sess proxy` there failed (`proxy`: its message, e.g. sessd would
 * not start).
 */
export class HostUnreachableError extends Error {
  constructor(
    readonly host: string,
    readonly reason: 'ssh' | 'no-sess' | 'proxy',
    readonly detail: string,
  ) {
    super(
      reason === 'ssh'
        ? `cannot reach ${host}: ${detail}`
        : reason === 'no-sess'
          ? `${host} has no sess to run (${detail})`
          : `sess proxy on ${host} failed: ${detail}`,
    );
    this.name = 'HostUnreachableError';
  }
}
