import { RpcErrorCode, SessdErrorCode } from '../../shared/errors.js';

/**
 * A strict parser for `Content-Length` framing (LSP's base protocol). Pure: bytes
 * in, frames or one fatal error out. After an error the stream cannot be trusted
 * (there is no way to find the next frame), so the parser stops.
 *
 * Rules: header lines are ASCII `Name: value` ended by CRLF, the header ends with an
 * empty line and is at most MAX_HEADER_BYTES; `Content-Length` is required, once, a
 * plain decimal within the frame limit; `Content-Type`, if given, must be UTF-8.
 */
export const MAX_HEADER_BYTES = 8 * 1024;

export interface FrameError {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

export type FrameEvent = { kind: 'frame'; body: Buffer } | { kind: 'error'; error: FrameError };

const HEADER_END = Buffer.from('\r\n\r\n');

export class FrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  private bodyLength = -1;
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): FrameEvent[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      if (this.bodyLength === -1) {
        const end = this.buffer.indexOf(HEADER_END);
        if (end === -1) {
          if (this.buffer.length > MAX_HEADER_BYTES) return this.fail(out, parseError(`header longer than ${MAX_HEADER_BYTES} bytes`));
          return out;
        }
        if (end > MAX_HEADER_BYTES) return this.fail(out, parseError(`header longer than ${MAX_HEADER_BYTES} bytes`));
        const length = this.header(this.buffer.subarray(0, end));
        if (typeof length !== 'number') return this.fail(out, length);
        this.bodyLength = length;
        this.buffer = this.buffer.subarray(end + HEADER_END.length);
      }
      if (this.buffer.length < this.bodyLength) return out;
      out.push({ kind: 'frame', body: Buffer.from(this.buffer.subarray(0, this.bodyLength)) });
      this.buffer = this.buffer.subarray(this.bodyLength);
      this.bodyLength = -1;
    }
  }

  /** True while part of a header has arrived and its end has not. */
  get inHeader(): boolean {
    return this.bodyLength === -1 && this.buffer.length > 0 && !this.failed;
  }

  /** Bytes held for an incomplete frame (bounded by the header and frame limits). */
  get buffered(): number {
    return this.buffer.length;
  }

  private header(raw: Buffer): number | FrameError {
    if (raw.some((byte) => byte > 0x7e || (byte < 0x20 && byte !== 0x0d && byte !== 0x0a && byte !== 0x09))) {
      return parseError('header is not ASCII text');
    }
    let length: number | undefined;
    for (const line of raw.toString('ascii').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return parseError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (length !== undefined) return parseError('Content-Length given twice');
        if (!/^\d{1,15}$/.test(value)) return parseError(`Content-Length is not a byte count: ${JSON.stringify(value.slice(0, 40))}`);
        length = Number(value);
        if (length > this.maxFrameBytes) {
          return {
            code: SessdErrorCode.limit_exceeded,
            message: `frame of ${length} bytes over the limit of ${this.maxFrameBytes}`,
            data: { code: 'limit_exceeded', limit: 'frame bytes', max: this.maxFrameBytes, actual: length },
          };
        }
      } else if (name === 'content-type') {
        const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(value)?.[1]?.toLowerCase();
        if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
          return parseError(`unsupported charset ${charset}: only utf-8`);
        }
      }
    }
    if (length === undefined) return parseError('header has no Content-Length');
    return length;
  }

  private fail(out: FrameEvent[], error: FrameError): FrameEvent[] {
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    out.push({ kind: 'error', error });
    return out;
  }
}

function parseError(message: string): FrameError {
  return { code: RpcErrorCode.ParseError, message: `parse error: ${message}`, data: { code: 'parse_error' } };
}

export type Envelope =
  | { kind: 'message'; message: Record<string, unknown> }
  | { kind: 'error'; error: FrameError; id: string | number | null };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a frame body and checks it is a JSON-RPC 2.0 request or notification. */
export function parseEnvelope(body: Buffer): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (error) {
    const why = error instanceof TypeError ? 'body is not valid UTF-8' : 'body is not JSON';
    return { kind: 'error', id: null, error: { code: RpcErrorCode.ParseError, message: `parse error: ${why}`, data: { code: 'parse_error' } } };
  }
  const invalid = (message: string, id: string | number | null = null): Envelope => ({
    kind: 'error',
    id,
    error: { code: RpcErrorCode.InvalidRequest, message: `invalid request: ${message}`, data: { code: 'invalid_request' } },
  });
  if (Array.isArray(value)) return invalid('batches are not supported');
  if (typeof value !== 'object' || value === null) return invalid('a message must be a JSON object');
  const message = value as Record<string, unknown>;
  const id = message.id;
  const validId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
  const replyId = validId ? id : null;
  if (message.jsonrpc !== '2.0') return invalid('"jsonrpc" must be "2.0"', replyId);
  if (typeof message.method !== 'string') {
    return invalid('"method" must be a string (sessd sends no requests, so it expects no responses)', replyId);
  }
  if ('id' in message && !validId) return invalid('"id" must be a string or a number');
  if ('params' in message && (typeof message.params !== 'object' || message.params === null)) {
    return invalid('"params" must be an object or an array', replyId);
  }
  return { kind: 'message', message };
}
