import {
  SessionDeleteRequest,
  SessionPauseRequest,
  SessionRestartRequest,
  SessionResumeRequest,
  SessionStartRequest,
  SessionStopRequest,
  SessionSuspendRequest,
  SessionGcRequest,
  type SessionGcParams,
} from '../../shared/protocol/session.js';
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { lifecycleRequest, request } from '../rpc/handler.js';
import { lifecycleParams, status } from './schemas.js';

export const sessionStart = lifecycleRequest(SessionStartRequest, lifecycleParams, (s, _p, { services }) =>
  services.lifecycle.start(s),
);
export const sessionStop = lifecycleRequest(SessionStopRequest, lifecycleParams, (s, p, { services }) =>
  services.lifecycle.stop(s, p),
);
export const sessionRestart = lifecycleRequest(SessionRestartRequest, lifecycleParams, (s, p, { services }) =>
  services.lifecycle.restart(s, p),
);
export const sessionPause = lifecycleRequest(SessionPauseRequest, lifecycleParams, (s, _p, { services }) =>
  services.lifecycle.pause(s),
);
/** A paused session continues; a suspended one is restored from its latest checkpoint. */
export const sessionResume = lifecycleRequest(SessionResumeRequest, lifecycleParams, (s, _p, { services }) =>
  services.restorer.resume(s),
);
export const sessionSuspend = lifecycleRequest(SessionSuspendRequest, lifecycleParams, (s, p, { services }) =>
  services.restorer.suspend(s, p),
);
export const sessionDelete = lifecycleRequest(SessionDeleteRequest, lifecycleParams, (s, p, { services }) =>
  services.lifecycle.delete(s, p),
);

const gcParams: z.ZodType<SessionGcParams> = z.strictObject({
  olderThan: z.string().refine((v) => parseDuration(v) !== null, 'must be a duration such as 7d, 12h, 30m or 0s'),
  status: z.array(status).min(1, 'must name at least one status').optional(),
});

export const sessionGc = request(SessionGcRequest, gcParams, async (p, { services }) => ({
  deleted: await services.lifecycle.collect(parseDuration(p.olderThan)!, p.status),
}));
