import { defineRequest } from './define.js';
import type { Message, MessageStatus } from './model.js';
import type { SessionRef } from './session.js';

export interface MessageListParams {
  session?: SessionRef;
  status?: MessageStatus;
}

export interface MessageListResult {
  /** Oldest first. */
  messages: Message[];
}

export const MessageListRequest = defineRequest<MessageListParams, MessageListResult>('message/list');
export const MessageGetRequest = defineRequest<{ id: string }, Message>('message/get');
