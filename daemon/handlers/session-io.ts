import {
  SessionCaptureRequest,
  SessionInterruptRequest,
  SessionKeysRequest,
  SessionSendRequest,
  SessionTranscriptRequest,
} from '../../shared/protocol/session-io.js';
import { sessionRequest } from '../rpc/handler.js';
import { utf8Cut } from '../transcripts/utf8.js';

/** What one `session/transcript` read returns when `maxBytes` is not given. */
const DEFAULT_READ_BYTES = 1024 * 1024;

export const sessionSend = sessionRequest(SessionSendRequest, (p, session, { services }) => {
  if (p.when !== 'idle') return services.io.send(session, p);
  services.io.checkSize(p.text);
  return services.queue.enqueue(session, p.text, { submit: p.submit ?? true, expiresInMs: p.expiresInMs });
});

export const sessionKeys = sessionRequest(SessionKeysRequest, (p, session, { services }) => services.io.keys(session, p.keys));

export const sessionInterrupt = sessionRequest(SessionInterruptRequest, (_p, session, { services }) => services.io.interrupt(session));

export const sessionCapture = sessionRequest(SessionCaptureRequest, (p, session, { services }) => services.io.capture(session, p));

export const sessionTranscript = sessionRequest(SessionTranscriptRequest, (p, session, { services }) => {
  const read = services.transcripts.read(session.id, p.from, p.maxBytes ?? DEFAULT_READ_BYTES);
  if (p.encoding === 'base64') return { data: read.bytes.toString('base64'), from: read.from, to: read.to, end: read.end, marks: read.marks };
  // Text ends on a whole character; the rest comes with the next read.
  const cut = read.to < read.end ? utf8Cut(read.bytes) : read.bytes.length;
  return { data: read.bytes.subarray(0, cut).toString('utf8'), from: read.from, to: read.from + cut, end: read.end, marks: read.marks };
});
