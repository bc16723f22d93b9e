import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ALL_REQUESTS, DaemonStatusRequest, SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { expectError, TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';

// A 64 KiB frame limit, to exceed it cheaply.
const h = useDaemon({ config: 'limits:\n  frameBytes: 65536\n' });

interface RawResult {
  replies: { id?: unknown; error?: { code: number; message: string; data?: { code?: string } }; result?: unknown }[];
  closedByServer: boolean;
}

/** Writes raw bytes on a new connection and reads replies until the server closes it (or answers `expect` times). */
function raw(bytes: Buffer | string, expectReplies = Infinity): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(h.paths.socket);
    let buffer = Buffer.alloc(0);
    const replies: RawResult['replies'] = [];
    const finish = (closedByServer: boolean): void => {
      socket.destroy();
      resolve({ replies, closedByServer });
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) break;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
        if (buffer.length < end + 4 + length) break;
        replies.push(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as RawResult['replies'][number]);
        buffer = buffer.subarray(end + 4 + length);
      }
      if (replies.length >= expectReplies) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const init = frame(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientName: 'raw', clientVersion: '1', protocolVersion: 1 } }));

describe('transport hardening', () => {
  const cases: [string, string | Buffer, number | null][] = [
    ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 1, "method": '), -32700],
    ['a body that is not UTF-8', Buffer.concat([Buffer.from('Content-Length: 2\r\n\r\n'), Buffer.from([0xc3, 0x28])]), -32700],
    ['a header without Content-Length', 'Content-Type: application/json\r\n\r\n{}', -32700],
    ['a negative Content-Length', 'Content-Length: -1\r\n\r\n{}', -32700],
    ['a Content-Length that is not a number', 'Content-Length: lots\r\n\r\n{}', -32700],
    ['a huge Content-Length', 'Content-Length: 99999999999999999999999\r\n\r\n', -32700],
    ['a frame over the limit', 'Content-Length: 70000\r\n\r\n', -32007],
    ['a header that never ends', 'X'.repeat(10_000), -32700],
    ['plain text', 'hello, are you sessd?\n\n\r\n\r\n', -32700],
    ['a request without jsonrpc', frame('{"id": 7, "method": "daemon/status"}'), -32600],
    ['a request with jsonrpc 1.0', frame('{"jsonrpc": "1.0", "id": 8, "method": "daemon/status"}'), -32600],
    ['a batch', frame('[{"jsonrpc": "2.0", "id": 9, "method": "daemon/status"}]'), -32600],
    ['a JSON scalar', frame('"just a string"'), -32600],
    ['a null id', frame('{"jsonrpc": "2.0", "id": null, "method": "daemon/status"}'), -32600],
    ['a response nobody asked for', frame('{"jsonrpc": "2.0", "id": 3, "result": {}}'), -32600],
  ];

  it.each(cases)('answers %s with an error and closes only that connection', async (_what, bytes, code) => {
    const before = await h.client.request(DaemonStatusRequest, {});
    const result = await raw(bytes);
    expect(result.closedByServer).toBe(true);
    expect(result.replies).toHaveLength(1);
    expect(result.replies[0]!.error!.code).toBe(code);
    // Everyone else carries on.
    const after = await h.client.request(DaemonStatusRequest, {});
    expect(after.pid).toBe(before.pid);
  });

  it('answers a bad frame after good ones, and keeps the id of a malformed request that has one', async () => {
    const result = await raw(init + frame('{"jsonrpc": "2.0", "id": 1, "method": "daemon/status"}') + frame('{"id": 42, "method": "x"}'));
    expect(result.replies.map((r) => [r.id, r.error?.code ?? 'ok'])).toEqual([
      [0, 'ok'],
      [1, 'ok'],
      [42, -32600],
    ]);
    expect(result.closedByServer).toBe(true);
  });

  it('reads frames split at every byte and many in one write', async () => {
    const socket = createConnection(h.paths.socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = init + Array.from({ length: 20 }, (_, i) => frame(JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'daemon/status' }))).join('');
    const replies: unknown[] = [];
    let buffer = '';
    const done = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        replies.splice(0, replies.length, ...buffer.split('Content-Length').slice(1));
        if (replies.length === 21) resolve();
      }),
    );
    for (const byte of Buffer.from(body.slice(0, 200))) socket.write(Buffer.from([byte]));
    socket.write(body.slice(200));
    await done;
    socket.destroy();
  });

  it('ignores unknown notifications and serves the next request', async () => {
    const result = await raw(init + frame('{"jsonrpc": "2.0", "method": "no/such/notification", "params": {}}') + frame('{"jsonrpc": "2.0", "id": 1, "method": "daemon/status"}'), 2);
    expect(result.replies.map((r) => r.id)).toEqual([0, 1]);
    expect(result.replies[1]!.result).toMatchObject({ version: expect.any(String) as string });
  });
});

describe('handshake', () => {
  it('refuses requests before initialize, without closing', async () => {
    const c = await h.connect({ initialize: false });
    const e = await expectError(c.request(DaemonStatusRequest, {}), -32600, 'not_initialized');
    expect(e.message).toBe('daemon/status before initialize: send initialize first');
    const answer = await c.initialize();
    expect(answer).toMatchObject({ protocolVersion: 1, serverInfo: { name: 'sessd', version: '0.1.0' } });
    expect(answer.capabilities.methods).toContain('session/create');
    expect(answer.capabilities.methods).toEqual(expect.arrayContaining(ALL_REQUESTS.map((r) => r.method)));
    expect(answer.capabilities.limits.maxFrameBytes).toBe(65536);
    await c.request(DaemonStatusRequest, {});
  });

  it('refuses a protocol version it cannot serve, naming both versions', async () => {
    for (const version of [2, 0, '1', null]) {
      const c = await TestClient.connect(h.paths.socket, { initialize: false });
      const e = await expectError(c.initialize(version), -32600, 'protocol_mismatch');
      expect(e.message).toBe(`protocol version ${JSON.stringify(version)} is not supported: this sessd 0.1.0 speaks protocol 1`);
      expect(e.data).toMatchObject({ clientVersion: version, serverVersion: 1 });
      await expectError(c.request(DaemonStatusRequest, {}), -32600, 'not_initialized');
      c.close();
    }
  });
});

describe('methods and params', () => {
  it('answers an unknown method with -32601 naming it', async () => {
    const e = await expectError(h.client.raw('session/teleport', {}), -32601, 'method_not_found');
    expect(e.message).toBe('unknown method: session/teleport');
  });

  it('serves every method the protocol declares', async () => {
    const served = new Set((await h.client.initialize()).capabilities.methods);
    expect(ALL_REQUESTS.filter((r) => !served.has(r.method)).map((r) => r.method)).toEqual([]);
  });

  it('names the offending field of bad params', async () => {
    const cases: [string, unknown, string][] = [
      ['session/get', {}, 'session'],
      ['session/get', { session: 42 }, 'session'],
      ['session/get', { session: 'x', extra: 1 }, 'extra'],
      ['session/list', { status: ['running', 'sleeping'] }, 'status[1]'],
      ['session/list', { createdAfter: 'yesterday' }, 'createdAfter'],
      ['session/list', { limit: 1.5 }, 'limit'],
      ['session/update', { session: 'x', contextMode: 'append' }, 'contextMode'],
      ['session/stop', { session: 'x', timeoutMs: -1 }, 'timeoutMs'],
      ['session/keys', { session: 'x', keys: [] }, 'keys'],
      ['session/capture', { session: 'x', lines: 0 }, 'lines'],
      ['events/subscribe', { fromSeq: 'last' }, 'fromSeq'],
      ['daemon/status', { verbose: true }, 'verbose'],
    ];
    for (const [method, params, field] of cases) {
      const e = await expectError(h.client.raw(method, params), -32602, 'invalid_params');
      expect({ method, field: (e.data as { field: string }).field }).toEqual({ method, field });
      expect(e.message).toMatch(new RegExp(`^invalid params: ${field.replace(/[[\]]/g, '\\$&')}: `));
    }
    // Positional params are refused too.
    await expectError(h.client.rpc.sendRequest('session/get', ['x']), -32602);
  });

  it('serves a session created over one connection to another', async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'shared', command: ['sleep', '1000'] });
    const other = await h.connect();
    expect((await other.request(SessionGetRequest, { session: 'shared' })).id).toBe(s.id);
  });
});
