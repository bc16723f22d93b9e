import { ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCode, type ProtocolMismatchData } from '../../shared/errors.js';
import { ALL_NOTIFICATIONS } from '../../shared/protocol/index.js';
import { InitializeRequest, type InitializeResult } from '../../shared/protocol/initialize.js';
import { EVENT_TYPES } from '../../shared/protocol/model.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import { request } from '../rpc/handler.js';

/** The handshake: the only request allowed before it, and the version check. */
export const initialize = request(
  InitializeRequest,
  (p, { conn, services }): InitializeResult => {
    if (p.protocolVersion !== PROTOCOL_VERSION) {
      throw new ResponseError<ProtocolMismatchData>(
        RpcErrorCode.InvalidRequest,
        `protocol version ${JSON.stringify(p.protocolVersion)} is not supported: this sessd ${SESSD_VERSION} speaks protocol ${PROTOCOL_VERSION}`,
        { code: 'protocol_mismatch', clientVersion: p.protocolVersion, serverVersion: PROTOCOL_VERSION },
      );
    }
    conn.initialized = true;
    conn.clientName = `${p.clientName} ${p.clientVersion}`;
    return {
      protocolVersion: PROTOCOL_VERSION,
      serverInfo: { name: 'sessd', version: SESSD_VERSION, pid: services.daemon.pid },
      capabilities: {
        methods: services.daemon.methods(),
        notifications: ALL_NOTIFICATIONS.map((n) => n.method),
        eventTypes: [...EVENT_TYPES],
        backends: [services.backend.name],
        limits: { maxFrameBytes: services.limits.maxFrameBytes, maxMessageBytes: services.limits.maxMessageBytes },
      },
    };
  },
  false,
);
