import { AttachDetachRequest, AttachInputRequest, AttachResizeRequest, SessionAttachRequest } from '../../shared/protocol/attach.js';
import type { AttachService } from '../attach/service.js';
import type { SessionBackend } from '../backend/backend.js';
import { errors } from '../errors.js';
import { request, sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';

export function sessionAttach({ sessions, backend, attaches }: { sessions: SessionLookup; backend: SessionBackend; attaches: AttachService }): Handler {
  return sessionRequest(SessionAttachRequest, sessions, async (p, session, { conn }) => {
    const name = session.runtime.tmuxSession;
    if (name === null) throw errors.invalidState(session, 'attach to', `start it first (sess start ${session.space}/${session.name})`);
    const provider = backend.status();
    if (!provider.available) throw errors.providerUnavailable(provider.reason ?? 'not connected');
    const id = await attaches.open({ conn, name, cols: p.cols, rows: p.rows, readOnly: p.readOnly === true });
    if (id === null) throw errors.invalidState(session, 'attach to', 'its tmux session is gone');
    return { attachId: id };
  });
}

export function attachInput({ attaches }: { attaches: AttachService }): Handler {
  return request(AttachInputRequest, (p, { conn }) => {
    attaches.input(conn, p.attachId, p.data);
    return {};
  });
}

export function attachResize({ attaches }: { attaches: AttachService }): Handler {
  return request(AttachResizeRequest, (p, { conn }) => {
    attaches.resize(conn, p.attachId, p.cols, p.rows);
    return {};
  });
}

export function attachDetach({ attaches }: { attaches: AttachService }): Handler {
  return request(AttachDetachRequest, async (p, { conn }) => {
    await attaches.detach(conn, p.attachId);
    return {};
  });
}
