import { z } from 'zod';
import {
  AttachDetachRequest,
  AttachInputRequest,
  AttachResizeRequest,
  SessionAttachRequest,
  type AttachInputParams,
  type AttachResizeParams,
  type SessionAttachParams,
} from '../../shared/protocol/attach.js';
import { errors } from '../errors.js';
import { request, sessionRequest } from '../rpc/handler.js';
import { sessionRef, size, text } from './schemas.js';

/** Largest `attach/input` text: a paste, not a file transfer. */
const MAX_INPUT_CHARS = 1024 * 1024;

const attachId = z.string().min(1, 'must not be empty').max(64, 'is too long');

const attachParams: z.ZodType<SessionAttachParams> = z.strictObject({
  session: sessionRef,
  ...size.shape,
  readOnly: z.boolean().optional(),
});

const inputParams: z.ZodType<AttachInputParams> = z.strictObject({
  attachId,
  data: text.pipe(z.string().max(MAX_INPUT_CHARS, `must be at most ${MAX_INPUT_CHARS} characters`)),
});

const resizeParams: z.ZodType<AttachResizeParams> = z.strictObject({ attachId, ...size.shape });

export const sessionAttach = sessionRequest(SessionAttachRequest, attachParams, async (p, session, { conn, services }) => {
  const name = session.runtime.tmuxSession;
  if (name === null) throw errors.invalidState(session, 'attach to', `start it first (sess start ${session.space}/${session.name})`);
  const provider = services.backend.status();
  if (!provider.available) throw errors.providerUnavailable(provider.reason ?? 'not connected');
  const id = await services.attaches.open({ conn, name, cols: p.cols, rows: p.rows, readOnly: p.readOnly === true });
  if (id === null) throw errors.invalidState(session, 'attach to', 'its tmux session is gone');
  return { attachId: id };
});

export const attachInput = request(AttachInputRequest, inputParams, (p, { conn, services }) => {
  services.attaches.input(conn, p.attachId, p.data);
  return {};
});

export const attachResize = request(AttachResizeRequest, resizeParams, (p, { conn, services }) => {
  services.attaches.resize(conn, p.attachId, p.cols, p.rows);
  return {};
});

export const attachDetach = request(AttachDetachRequest, z.strictObject({ attachId }), async (p, { conn, services }) => {
  await services.attaches.detach(conn, p.attachId);
  return {};
});
