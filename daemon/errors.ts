import { ResponseError } from 'vscode-jsonrpc';
import {
  RpcErrorCode,
  SessdErrorCode,
  type InvalidParamsData,
  type SessdErrorData,
  type SessdErrorName,
} from '../shared/errors.js';
import type { Interaction, Session } from '../shared/protocol/model.js';

/**
 * Expected failures, as replies. Messages are short, lowercase and name the object
 * (tmux's habit): `session not found: api`, `duplicate session: default/api`.
 */
export function sessdError(name: SessdErrorName, message: string, data: Record<string, unknown> = {}): ResponseError<SessdErrorData> {
  return new ResponseError<SessdErrorData>(SessdErrorCode[name], message, { ...data, code: name });
}

export const errors = {
  sessionNotFound: (ref: string) => sessdError('session_not_found', `session not found: ${ref}`, { session: ref }),
  sessionExists: (space: string, name: string, id: string) =>
    sessdError('session_exists', `duplicate session: ${space}/${name}`, { space, name, id }),
  invalidState: (session: Session, action: string, hint?: string) =>
    sessdError(
      'invalid_state',
      `cannot ${action} session ${session.space}/${session.name}: it is ${session.status}${hint === undefined ? '' : `; ${hint}`}`,
      { id: session.id, status: session.status, action },
    ),
  /** Text sent to a program that shows a question would be taken as its answer. */
  waitingForAnswer: (session: Session, interaction: Interaction | null) =>
    sessdError(
      'invalid_state',
      `cannot send to session ${session.space}/${session.name}: it waits for an answer${interaction === null ? '' : ` to "${interaction.prompt}"`}; answer it (sess inbox, sess answer), or send with force`,
      { id: session.id, status: session.status, activity: 'waiting', action: 'send to', interaction },
    ),
  providerUnavailable: (reason: string) =>
    sessdError('provider_unavailable', `tmux is unavailable: ${reason}`, { backend: 'tmux', reason }),
  limitExceeded: (limit: string, max: number, actual?: number) =>
    sessdError('limit_exceeded', `${limit} over its limit of ${max}${actual === undefined ? '' : ` (got ${actual})`}`, {
      limit,
      max,
      ...(actual === undefined ? {} : { actual }),
    }),
  messageNotFound: (id: string) => sessdError('message_not_found', `message not found: ${id}`, { id }),
  messageNotQueued: (id: string, status: string) =>
    sessdError('invalid_state', `cannot cancel message ${id}: it is ${status}`, { id, status, action: 'cancel' }),
  interactionNotFound: (id: string) => sessdError('interaction_not_found', `interaction not found: ${id}`, { id }),
  interactionClosed: (id: string, status: string) =>
    sessdError('invalid_state', `cannot answer interaction ${id}: it is ${status}`, { id, status, action: 'respond' }),
  templateNotFound: (name: string) => sessdError('template_not_found', `template not found: ${name}`, { template: name }),
  storage: (reason: string) => sessdError('storage_error', `the store refused the write: ${reason}`, { reason }),
  timeout: (action: string, timeoutMs: number) =>
    sessdError('timeout', `${action} did not finish within ${timeoutMs} ms`, { action, timeoutMs }),
  attachNotFound: (attachId: string) => sessdError('attach_not_found', `attach not found: ${attachId}`, { attachId }),
  readOnly: (attachId: string) => sessdError('read_only', `attach ${attachId} is read-only; attach without readOnly to type`, { attachId }),
  invalidParams: (field: string, message: string) =>
    new ResponseError<InvalidParamsData>(RpcErrorCode.InvalidParams, `invalid params: ${field}: ${message}`, {
      code: 'invalid_params',
      field,
    }),
};
