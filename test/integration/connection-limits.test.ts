import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DaemonStatusRequest, SessionListRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { readFileSync } from 'node:fs';

/** Small limits, so that each is reached quickly. */
const h = useDaemon({ config: 'limits: {clientBufferBytes: 1048576, connections: 6, headerTime: 300ms}\n' });

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(h.paths.socket, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the daemon sends until it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) => socket.once('close', () => resolve(text)));
}

const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientName: 't', clientVersion: '0', protocolVersion: 1 } };

describe('connection limits', () => {
  it('disconnects a client that sends requests and never reads the replies, and serves the others', async () => {
    const socket = await rawSocket();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.pause(); // never read
    const request = (id: number): Buffer => frame({ jsonrpc: '2.0', id, method: 'session/list', params: {} });
    socket.write(frame(initialize));
    // Each reply is small; together they pass the 1 MiB limit many times over.
    const REQUESTS = 40_000;
    let id = 1;
    const pump = (): void => {
      while (id <= REQUESTS && !socket.destroyed) {
        if (!socket.write(request(id++))) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('error', () => undefined); // the daemon hangs up on it: expected
    pump();
    await h.daemon.waitForLog((l) => l.msg.startsWith('client is not reading'));
    socket.resume(); // a paused socket would never read the hang-up
    await closed;
    // The daemon did not keep serving the requests it had read: memory stays bounded.
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${h.daemon.pid}/status`, 'utf8'))![1]);
    expect(rssKiB).toBeLessThan(300 * 1024);
    expect((await h.client.request(SessionListRequest, {})).sessions).toEqual([]);
  });

  it('closes a connection whose header does not arrive in time, with limit_exceeded', async () => {
    const socket = await rawSocket();
    const reply = untilClosed(socket);
    socket.write('Content-Len'); // and nothing more
    expect(await reply).toContain('"limit":"headerTime"');
    expect(await reply).toContain('-32007');
    expect((await h.client.request(SessionListRequest, {})).sessions).toEqual([]);
  });

  it('refuses connections over the limit with limit_exceeded, and accepts again once one closes', async () => {
    const held: TestClient[] = [];
    // The harness holds one connection already; fill the rest.
    for (let i = 0; i < 5; i++) held.push(await TestClient.connect(h.paths.socket));
    const over = await rawSocket();
    const reply = untilClosed(over);
    over.write(frame(initialize));
    const text = await reply;
    expect(text).toContain('"code":"limit_exceeded"');
    expect(text).toContain('"limit":"connections"');
    held.pop()!.close();
    // Until the daemon has seen that close (each status request is a round trip, not a sleep).
    while ((await h.client.request(DaemonStatusRequest, {})).connections > 5);
    const again = await TestClient.connect(h.paths.socket);
    expect((await again.request(SessionListRequest, {})).sessions).toEqual([]);
    again.close();
    for (const c of held) c.close();
  });
});
