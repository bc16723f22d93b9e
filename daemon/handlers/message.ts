import type { Message } from '../../shared/protocol/model.js';
import { MessageCancelRequest, MessageGetRequest, MessageListRequest } from '../../shared/protocol/message.js';
import { errors } from '../errors.js';
import { request, resolveSession, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { MessageQueue } from '../sessions/messages.js';
import { page } from '../sessions/paging.js';
import type { SessionRecords } from '../store/records.js';

export function messageList({ sessions, messages }: { sessions: SessionLookup; messages: SessionRecords<Message> }): Handler {
  return request(MessageListRequest, (p) => {
    // One session's messages are one key range; without a session, every message is asked for.
    const all = p.session === undefined ? messages.all() : messages.of(resolveSession(sessions, p.session).id);
    const { items, nextCursor } = page(p.status === undefined ? all : all.filter((m) => m.status === p.status), p, 'message/list');
    return nextCursor === undefined ? { messages: items } : { messages: items, nextCursor };
  });
}

export function messageGet({ messages }: { messages: SessionRecords<Message> }): Handler {
  return request(MessageGetRequest, (p) => {
    const message = messages.get(p.id);
    if (message === undefined) throw errors.messageNotFound(p.id);
    return message;
  });
}

export function messageCancel({ queue }: { queue: MessageQueue }): Handler {
  return request(MessageCancelRequest, (p) => queue.cancel(p.id));
}
