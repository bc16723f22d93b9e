import {
  SessionCaptureRequest,
  SessionInterruptRequest,
  SessionKeysRequest,
  SessionSendRequest,
  SessionTranscriptRequest,
} from '../../shared/protocol/session-io.js';
import { sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { OpenQuestions, SessionIO } from '../sessions/io.js';
import type { MessageQueue } from '../sessions/messages.js';
import type { TranscriptService } from '../transcripts/service.js';
import { utf8Cut } from '../transcripts/utf8.js';

/** What one `session/transcript` read returns when `maxBytes` is not given. */
const DEFAULT_READ_BYTES = 1024 * 1024;

export function sessionSend({ sessions, io, queue, interactions }: { sessions: SessionLookup; io: SessionIO; queue: MessageQueue; interactions: OpenQuestions }): Handler {
  return sessionRequest(SessionSendRequest, sessions, (p, session) => {
    if (p.when !== 'idle') return io.send(session, p, interactions);
    io.checkSize(p.text);
    return queue.enqueue(session, p.text, { submit: p.submit ?? true, expiresInMs: p.expiresInMs });
  });
}

export function sessionKeys({ sessions, io }: { sessions: SessionLookup; io: SessionIO }): Handler {
  return sessionRequest(SessionKeysRequest, sessions, (p, session) => io.keys(session, p.keys));
}

export function sessionInterrupt({ sessions, io }: { sessions: SessionLookup; io: SessionIO }): Handler {
  return sessionRequest(SessionInterruptRequest, sessions, (_p, session) => io.interrupt(session));
}

export function sessionCapture({ sessions, io }: { sessions: SessionLookup; io: SessionIO }): Handler {
  return sessionRequest(SessionCaptureRequest, sessions, (p, session) => io.capture(session, p));
}

export function sessionTranscript({ sessions, transcripts }: { sessions: SessionLookup; transcripts: Pick<TranscriptService, 'read' | 'offsetAt'> }): Handler {
  return sessionRequest(SessionTranscriptRequest, sessions, (p, session) => {
    const since = p.since === undefined ? undefined : transcripts.offsetAt(session.id, Date.parse(p.since));
    const from = since === undefined ? p.from : Math.max(since, p.from ?? 0);
    const read = transcripts.read(session.id, from, p.maxBytes ?? DEFAULT_READ_BYTES);
    if (p.encoding === 'base64') return { data: read.bytes.toString('base64'), from: read.from, to: read.to, end: read.end, marks: read.marks };
    // Text ends on a whole character; the rest comes with the next read.
    const cut = read.to < read.end ? utf8Cut(read.bytes) : read.bytes.length;
    return { data: read.bytes.subarray(0, cut).toString('utf8'), from: read.from, to: read.from + cut, end: read.end, marks: read.marks };
  });
}
