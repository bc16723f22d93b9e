import { defineRequest } from './define.js';

export interface InitializeParams {
  clientName: string;
  clientVersion: string;
  /** The protocol version the client speaks. A server that cannot serve it refuses with -32600. */
  protocolVersion: number;
}

export interface ServerCapabilities {
  /** Methods this server implements; a declared method missing here answers -32601. */
  methods: string[];
  /** Notifications this server may send. */
  notifications: string[];
  /** Event types this server emits. */
  eventTypes: string[];
  /** Backends by name, e.g. `["tmux"]`. */
  backends: string[];
  limits: {
    /** Largest frame body the server reads, in bytes. */
    maxFrameBytes: number;
    /** Largest `session/send` text, in bytes. */
    maxMessageBytes: number;
  };
}

export interface InitializeResult {
  protocolVersion: number;
  serverInfo: { name: 'sessd'; version: string; pid: number };
  capabilities: ServerCapabilities;
}

/** Must be the first request on a connection; any other request before it gets -32600. */
export const InitializeRequest = defineRequest<InitializeParams, InitializeResult>('initialize');
