import {
  SessionDeleteRequest,
  SessionPauseRequest,
  SessionRestartRequest,
  SessionResumeRequest,
  SessionStartRequest,
  SessionStopRequest,
} from '../../shared/protocol/session.js';
import { lifecycleRequest } from '../rpc/handler.js';
import { lifecycleParams } from './schemas.js';

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
export const sessionResume = lifecycleRequest(SessionResumeRequest, lifecycleParams, (s, _p, { services }) =>
  services.lifecycle.resume(s),
);
export const sessionDelete = lifecycleRequest(SessionDeleteRequest, lifecycleParams, (s, p, { services }) =>
  services.lifecycle.delete(s, p),
);
