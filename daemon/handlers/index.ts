import type { Handler } from '../rpc/handler.js';
import { daemonShutdown, daemonStatus } from './daemon.js';
import { eventsSubscribe, eventsUnsubscribe } from './events.js';
import { initialize } from './initialize.js';
import { daemonMetrics } from './metrics.js';
import { sessionCreate } from './session-create.js';
import { sessionCapture, sessionInterrupt, sessionKeys, sessionSend } from './session-input.js';
import { checkpointGet, checkpointList, sessionCheckpoint, sessionRestore } from './checkpoint.js';
import {
  sessionDelete,
  sessionGc,
  sessionPause,
  sessionRestart,
  sessionResume,
  sessionStart,
  sessionStop,
  sessionSuspend,
} from './session-lifecycle.js';
import { sessionGet, sessionList } from './session-query.js';
import { sessionUpdate } from './session-update.js';
import { sessionTranscript, transcriptFollow, transcriptUnfollow } from './transcript.js';

/** Every request this daemon serves. A declared method missing here answers -32601. */
export const HANDLERS: readonly Handler[] = [
  initialize,
  sessionCreate,
  sessionList,
  sessionGet,
  sessionUpdate,
  sessionStart,
  sessionStop,
  sessionRestart,
  sessionPause,
  sessionResume,
  sessionSuspend,
  sessionDelete,
  sessionGc,
  sessionCheckpoint,
  checkpointList,
  checkpointGet,
  sessionRestore,
  sessionSend,
  sessionKeys,
  sessionInterrupt,
  sessionCapture,
  sessionTranscript,
  transcriptFollow,
  transcriptUnfollow,
  eventsSubscribe,
  eventsUnsubscribe,
  daemonStatus,
  daemonShutdown,
  daemonMetrics,
];
