import { MessageGetRequest, MessageListRequest } from '../../shared/protocol/message.js';
import { errors } from '../errors.js';
import { request, resolveSession } from '../rpc/handler.js';
import { page } from '../sessions/paging.js';

export const messageList = request(MessageListRequest, (p, ctx) => {
  const { stored } = ctx.services.queue;
  // One session's messages are one key range; without a session, every message is asked for.
  const all = p.session === undefined ? stored.all() : stored.of(resolveSession(ctx, p.session).id);
  const { items: messages, nextCursor } = page(p.status === undefined ? all : all.filter((m) => m.status === p.status), p, 'message/list');
  return nextCursor === undefined ? { messages } : { messages, nextCursor };
});

export const messageGet = request(MessageGetRequest, (p, { services }) => {
  const message = services.queue.stored.get(p.id);
  if (message === undefined) throw errors.messageNotFound(p.id);
  return message;
});
