import { z } from 'zod';
import {
  SessionCaptureRequest,
  SessionInterruptRequest,
  SessionKeysRequest,
  SessionSendRequest,
  type SessionCaptureParams,
  type SessionKeysParams,
  type SessionSendParams,
} from '../../shared/protocol/session-io.js';
import { sessionRequest } from '../rpc/handler.js';
import { key, sessionRef, text } from './schemas.js';

const sendParams: z.ZodType<SessionSendParams> = z.strictObject({
  session: sessionRef,
  text,
  submit: z.boolean().optional(),
  when: z.enum(['now', 'idle']).optional(),
  expiresInMs: z.number().int().min(1).optional(),
});

const keysParams: z.ZodType<SessionKeysParams> = z.strictObject({
  session: sessionRef,
  keys: z.array(key).min(1, 'give at least one key').max(1024),
});

const captureParams: z.ZodType<SessionCaptureParams> = z.strictObject({
  session: sessionRef,
  lines: z.number().int().min(1).max(1_000_000).optional(),
  ansi: z.boolean().optional(),
});

export const sessionSend = sessionRequest(SessionSendRequest, sendParams, (p, session, { services }) =>
  services.io.send(session, p),
);
export const sessionKeys = sessionRequest(SessionKeysRequest, keysParams, (p, session, { services }) =>
  services.io.keys(session, p.keys),
);
export const sessionInterrupt = sessionRequest(
  SessionInterruptRequest,
  z.strictObject({ session: sessionRef }),
  (_p, session, { services }) => services.io.interrupt(session),
);
export const sessionCapture = sessionRequest(SessionCaptureRequest, captureParams, (p, session, { services }) =>
  services.io.capture(session, p),
);
