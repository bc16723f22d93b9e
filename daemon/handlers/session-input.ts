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

/** Longest a queued message may wait: a year. */
const MAX_EXPIRY_MS = 365 * 86_400_000;

const sendParams: z.ZodType<SessionSendParams> = z
  .strictObject({
    session: sessionRef,
    text,
    submit: z.boolean().optional(),
    when: z.enum(['now', 'idle']).optional(),
    expiresInMs: z.number().int().min(1).max(MAX_EXPIRY_MS).optional(),
  })
  .refine((p) => p.expiresInMs === undefined || p.when === 'idle', {
    message: 'only a message sent when: "idle" waits, and can expire',
    path: ['expiresInMs'],
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

export const sessionSend = sessionRequest(SessionSendRequest, sendParams, (p, session, { services }) => {
  if (p.when !== 'idle') return services.io.send(session, p);
  services.io.checkSize(p.text);
  return services.queue.enqueue(session, p.text, { submit: p.submit ?? true, expiresInMs: p.expiresInMs });
});
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
