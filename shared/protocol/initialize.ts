import { z } from 'zod';
import { defineRequest } from './define.js';
import { identifier } from './fields.js';

export const InitializeParamsSchema = z.strictObject({
  clientName: identifier,
  clientVersion: identifier,
  /**
   * The protocol version the client speaks. A server that cannot serve it refuses with
   * -32600. Any value passes the params check, so that a wrong one gets the version
   * error, not a type error.
   */
  protocolVersion: z.unknown().transform((v) => v as number),
});
export type InitializeParams = z.infer<typeof InitializeParamsSchema>;

export const ServerCapabilitiesSchema = z.object({
  /** Methods this server implements; a declared method missing here answers -32601. */
  methods: z.array(z.string()),
  /** Notifications this server may send. */
  notifications: z.array(z.string()),
  /** Event types this server emits. */
  eventTypes: z.array(z.string()),
  /** Backends by name, e.g. `["tmux"]`. */
  backends: z.array(z.string()),
  limits: z.object({
    /** Largest frame body the server reads, in bytes. */
    maxFrameBytes: z.number(),
    /** Largest `session/send` text, in bytes. */
    maxMessageBytes: z.number(),
  }),
});
export type ServerCapabilities = z.infer<typeof ServerCapabilitiesSchema>;

export const InitializeResultSchema = z.object({
  protocolVersion: z.number(),
  serverInfo: z.object({ name: z.literal('sessd'), version: z.string(), pid: z.number() }),
  capabilities: ServerCapabilitiesSchema,
});
export type InitializeResult = z.infer<typeof InitializeResultSchema>;

/** Must be the first request on a connection; any other request before it gets -32600. */
export const InitializeRequest = defineRequest('initialize', InitializeParamsSchema, InitializeResultSchema);
