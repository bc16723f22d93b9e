import type { Handler } from '../rpc/handler.js';
import { agentHook } from './agent.js';
import { attachDetach, attachInput, attachResize, sessionAttach } from './attach.js';
import { checkpointGet, checkpointList, sessionCheckpoint, sessionRestore } from './checkpoint.js';
import { daemonMetrics, daemonShutdown, daemonStatus } from './daemon.js';
import { eventsSubscribe, eventsUnsubscribe } from './events.js';
import { initialize } from './initialize.js';
import { interactionList, interactionRespond, sessionApprove } from './interaction.js';
import { messageGet, messageList } from './message.js';
import {
  sessionCreate,
  sessionDelete,
  sessionGc,
  sessionGet,
  sessionList,
  sessionPause,
  sessionRestart,
  sessionResume,
  sessionStart,
  sessionStop,
  sessionSuspend,
  sessionUpdate,
} from './session.js';
import { sessionCapture, sessionInterrupt, sessionKeys, sessionSend, sessionTranscript } from './session-io.js';
import { providerList, spaceList } from './space.js';
import { templateDelete, templateGet, templateList, templateSet } from './template.js';
import { transcriptFollow, transcriptUnfollow } from './transcript.js';

/**
 * Every request this daemon serves. A declared method missing here answers -32601.
 * Each handler file has the stem of the shared/protocol file that declares its
 * methods (README "Layout").
 */
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
  agentHook,
];
