import { z } from 'zod';
import { InteractionListRequest, InteractionRespondRequest, SessionApproveRequest } from '../../shared/protocol/interaction.js';
import { MessageGetRequest, MessageListRequest } from '../../shared/protocol/message.js';
import { INTERACTION_STATUSES, MESSAGE_STATUSES, type InteractionStatus } from '../../shared/protocol/model.js';
import { errors } from '../errors.js';
import { request, resolveSession, sessionRequest } from '../rpc/handler.js';
import { sessionRef, text } from './schemas.js';

const id = z.string().min(1).max(64);

export const messageList = request(
  MessageListRequest,
  z.strictObject({ session: sessionRef.optional(), status: z.enum(MESSAGE_STATUSES as [string, ...string[]]).optional() }),
  (p, ctx) => {
    const { stored } = ctx.services.queue;
    const all = p.session === undefined ? stored.all() : stored.of(resolveSession(ctx, p.session).id);
    const messages = p.status === undefined ? all : all.filter((m) => m.status === p.status);
    return { messages: messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  },
);

export const messageGet = request(MessageGetRequest, z.strictObject({ id }), (p, { services }) => {
  const message = services.queue.stored.get(p.id);
  if (message === undefined) throw errors.messageNotFound(p.id);
  return message;
});

export const interactionList = request(
  InteractionListRequest,
  z.strictObject({ session: sessionRef.optional(), status: z.enum(INTERACTION_STATUSES as [InteractionStatus, ...InteractionStatus[]]).optional() }),
  (p, ctx) => ({
    interactions: ctx.services.interactions.list({
      sessionId: p.session === undefined ? undefined : resolveSession(ctx, p.session).id,
      status: p.status,
    }),
  }),
);

export const interactionRespond = request(
  InteractionRespondRequest,
  z
    .strictObject({ id, choice: z.string().min(1).max(64).optional(), text: text.optional() })
    .refine((p) => (p.choice === undefined) !== (p.text === undefined), { message: 'give either choice or text', path: ['choice'] }),
  (p, { services }) => services.interactions.respond(p.id, p),
);

export const sessionApprove = sessionRequest(
  SessionApproveRequest,
  z.strictObject({ session: sessionRef, deny: z.boolean().optional() }),
  (p, session, { services }) => services.interactions.approve(session.id, p.deny === true),
);
