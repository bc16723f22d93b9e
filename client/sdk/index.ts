/** The sessd client SDK: what the CLI and the editor integrations use to reach the daemon. */
export { SessdClient, clientPaths, type SessdClientOptions, type Subscription } from './client.js';
export { DaemonUnreachableError, HostUnreachableError, SessdError, UnsafeSocketError } from './errors.js';
export { parseDestination, type SshTarget } from './ssh.js';
export { Backoff, reconnect, whenClosed, RECONNECT_FIRST_DELAY_MS, RECONNECT_MAX_DELAY_MS } from './reconnect.js';
export { Attachment, type AttachCloseReason } from './attach.js';
export { autostart, autostartLogFile, defaultDaemonProgram, type AutostartOptions } from './autostart.js';
export * from '../../shared/protocol/index.js';
