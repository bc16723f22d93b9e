import { AttachDetachRequest, AttachInputRequest, AttachResizeRequest, SessionAttachRequest } from '../../shared/protocol/attach.js';
import { errors } from '../errors.js';
import { request, sessionRequest } from '../rpc/handler.js';

export const sessionAttach = sessionRequest(SessionAttachRequest, async (p, session, { conn, services }) => {
  const name = session.runtime.tmuxSession;
  if (name === null) throw errors.invalidState(session, 'attach to', `start it first (sess start ${session.space}/${session.name})`);
  const provider = services.backend.status();
  if (!provider.available) throw errors.providerUnavailable(provider.reason ?? 'not connected');
  const id = await services.attaches.open({ conn, name, cols: p.cols, rows: p.rows, readOnly: p.readOnly === true });
  if (id === null) throw errors.invalidState(session, 'attach to', 'its tmux session is gone');
  return { attachId: id };
});

export const attachInput = request(AttachInputRequest, (p, { conn, services }) => {
  services.attaches.input(conn, p.attachId, p.data);
  return {};
});

export const attachResize = request(AttachResizeRequest, (p, { conn, services }) => {
  services.attaches.resize(conn, p.attachId, p.cols, p.rows);
  return {};
});

export const attachDetach = request(AttachDetachRequest, async (p, { conn, services }) => {
  await services.attaches.detach(conn, p.attachId);
  return {};
});
