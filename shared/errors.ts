/**
 * Error codes of the protocol (DESIGN.md, "Errors").
 *
 * Standard JSON-RPC codes are used for malformed input. Application errors use
 * -32000..-32099 and always carry `data.code`, the error's name, so a client can
 * switch on a stable string. Extra fields in `data` are documented per error below.
 */

export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

export const SessdErrorCode = {
  /** `data: {session}`: the reference that matched nothing. */
  session_not_found: -32001,
  /** `data: {name, space, id}`: the session that already has that name. */
  session_exists: -32002,
  /** `data: {status, action, id}`: the current status and the attempted action. */
  invalid_state: -32003,
  /** `data: {backend, reason}`. */
  provider_unavailable: -32004,
  /** `data: {file?, line?, field?}`. */
  invalid_config: -32005,
  /** `data: {session, seq}`. */
  checkpoint_not_found: -32006,
  /** `data: {limit, max, actual?}`: which limit, its value, and what was asked. */
  limit_exceeded: -32007,
  /** `data: {template}`. */
  template_not_found: -32008,
  /** `data: {id}`. */
  interaction_not_found: -32009,
  /** `data: {reason}`: the store refused the write; nothing of it was applied. */
  storage_error: -32010,
  /** `data: {timeoutMs, action}`. */
  timeout: -32011,
  /** `data: {attachId}`: no attach of this connection has that id (it never existed, or it closed). */
  attach_not_found: -32012,
  /** `data: {attachId}`: the attach is read-only; its input is refused and nothing of it is typed. */
  read_only: -32013,
  /** Extension: `data: {id}`: `message/get` of a message that does not exist (or was removed with its session). */
  message_not_found: -32014,
} as const;

export type SessdErrorName = keyof typeof SessdErrorCode;

/** `data` of every application error; `code` is the error's name. */
export interface SessdErrorData {
  code: SessdErrorName;
  [key: string]: unknown;
}

/** `data` of a -32602 reply: the offending field as a dotted path (`labels.team`, `keys[2]`). */
export interface InvalidParamsData {
  code: 'invalid_params';
  field: string;
}

/** `data` of a -32600 reply to `initialize` with a protocol version the server cannot serve. */
export interface ProtocolMismatchData {
  code: 'protocol_mismatch';
  clientVersion: unknown;
  serverVersion: number;
}

/** `data` of a -32601 reply for a method this server declares but does not implement yet. */
export interface NotImplementedData {
  code: 'not_implemented';
  method: string;
}

const NAMES_BY_CODE = new Map<number, SessdErrorName>(
  Object.entries(SessdErrorCode).map(([name, code]) => [code, name as SessdErrorName]),
);

/** The error name for an application error code, if it is one. */
export function sessdErrorName(code: number): SessdErrorName | undefined {
  return NAMES_BY_CODE.get(code);
}
