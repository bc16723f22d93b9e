import { ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCode, type ProtocolMismatchData } from '../../shared/errors.js';
import { ALL_NOTIFICATIONS } from '../../shared/protocol/index.js';
import { InitializeRequest, type InitializeResult } from '../../shared/protocol/initialize.js';
import { EVENT_TYPES } from '../../shared/protocol/model.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import type { DaemonInfo, Limits } from '../daemon-info.js';
import { request, type Handler } from '../rpc/handler.js';

interface InitializeParts {
  daemon: Pick<DaemonInfo, 'pid'>;
  backend: { readonly name: string };
  limits: Pick<Limits, 'maxFrameBytes' | 'maxMessageBytes'>;
  /** Every method served, this one included (from the handler table). */
  methods: readonly string[];
}

/** The handshake: the only request allowed before it, and the version check. */
export function initialize({ daemon, backend, limits, methods }: InitializeParts): Handler {
  return request(
    InitializeRequest,
    (p, { conn }): InitializeResult => {
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
        serverInfo: { name: 'sessd', version: SESSD_VERSION, pid: daemon.pid },
        capabilities: {
          methods: [...methods],
          notifications: ALL_NOTIFICATIONS.map((n) => n.method),
          eventTypes: [...EVENT_TYPES],
          backends: [backend.name],
          limits: { maxFrameBytes: limits.maxFrameBytes, maxMessageBytes: limits.maxMessageBytes },
        },
      };
    },
    false,
  );
}

/** The method `initialize` is served under (the table lists it first). */
export const INITIALIZE_METHOD = InitializeRequest.method;
