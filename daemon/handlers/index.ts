import type { Handler } from '../rpc/handler.js';
import { attachDetach, attachInput, attachResize, sessionAttach } from './attach.js';
import { daemonShutdown, daemonStatus } from './daemon.js';
import { eventsSubscribe, eventsUnsubscribe } from './events.js';
import { initialize } from './initialize.js';
import { interactionList, interactionRespond, messageGet, messageList, sessionApprove } from './interaction.js';
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
import { providerList, spaceList } from './space.js';
import { templateDelete, templateGet, templateList, templateSet } from './template.js';
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
  messageList,
  messageGet,
  interactionList,
  interactionRespond,
  sessionApprove,
  sessionTranscript,
  transcriptFollow,
  transcriptUnfollow,
  sessionAttach,
  attachInput,
  attachResize,
  attachDetach,
  eventsSubscribe,
  eventsUnsubscribe,
  daemonStatus,
  daemonShutdown,
  templateList,
  templateGet,
  templateSet,
  templateDelete,
  spaceList,
  providerList,
  daemonMetrics,
];
