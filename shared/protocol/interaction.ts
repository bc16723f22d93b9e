import { defineRequest } from './define.js';
import type { Interaction, InteractionStatus } from './model.js';
import type { SessionRef } from './session.js';

export interface InteractionListParams {
  session?: SessionRef;
  status?: InteractionStatus;
}

export interface InteractionListResult {
  interactions: Interaction[];
}

export interface InteractionRespondParams {
  id: string;
  /** A choice's `id`. */
  choice?: string;
  /** Free text, for a question. */
  text?: string;
}

export interface SessionApproveParams {
  session: SessionRef;
  /** Deny instead of approve. */
  deny?: boolean;
}

export const InteractionListRequest = defineRequest<InteractionListParams, InteractionListResult>('interaction/list');
export const InteractionRespondRequest = defineRequest<InteractionRespondParams, Interaction>('interaction/respond');
/** Extension: answers the session's open approval with its profile's approve (or deny) choice. */
export const SessionApproveRequest = defineRequest<SessionApproveParams, Interaction>('session/approve');
