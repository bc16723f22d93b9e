import { MessageGetRequest, MessageListRequest } from '../../shared/protocol/message.js';
import type { Message } from '../../shared/protocol/model.js';
import { errors } from '../errors.js';
import { request, resolveSession } from '../rpc/handler.js';

export const messageList = request(MessageListRequest, (p, ctx) => {
  const sessionId = p.session === undefined ? undefined : resolveSession(ctx, p.session).id;
  const messages: Message[] = [];
  for (const { value } of ctx.services.queue.stored.getRange()) {
    if (sessionId !== undefined && value.sessionId !== sessionId) continue;
    if (p.status !== undefined && value.status !== p.status) continue;
    messages.push(value);
  }
  return { messages: messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
});

export const messageGet = request(MessageGetRequest, (p, { services }) => {
  const message = services.queue.stored.get(p.id);
  if (message === undefined) throw errors.messageNotFound(p.id);
  return message;
});
