import { z } from 'zod';
import { defineRequest } from '../../shared/protocol/define.js';
import { describe, expect, it } from 'vitest';
import { DaemonUnreachableError, SessdClient, SessdError } from '../../client/sdk/index.js';
import type { SessdEvent } from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';
import { Wakeable } from '../helpers/wait.js';

const h = useDaemon();

describe('the SDK', () => {
  it('connects, handshakes, and offers one typed method per request', async () => {
    const client = await SessdClient.connect({ socket: h.paths.socket, clientName: 'sdk-test' });
    try {
      expect(client.server.protocolVersion).toBe(1);
      const session = await client.session.create({ name: 'sdk', command: ['sleep', '1000'] });
      expect((await client.session.get({ session: 'sdk' })).id).toBe(session.id);
      expect(await client.listAll({ status: ['running'] })).toEqual([expect.objectContaining({ id: session.id })]);
      expect((await client.daemon.status()).sessions.total).toBe(1);
    } finally {
      client.dispose();
    }
  });

  it('turns error replies into SessdError with the code and its name', async () => {
    const client = await SessdClient.connect({ socket: h.paths.socket });
    try {
      const missing = await client.session.get({ session: 'nobody' }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(SessdError);
      expect(missing).toMatchObject({ code: -32001, kind: 'session_not_found', notFound: true, method: 'session/get', data: { session: 'nobody' } });
      // A method a later sessd might add.
      const unsupported = await client.request(defineRequest('session/teleport', z.object({}), z.object({})), {}).catch((e: unknown) => e);
      expect(unsupported).toMatchObject({ code: -32601, kind: 'method_not_found', unsupported: true });
      const bad = await client.session.create({ name: 'a/b' }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: -32602, kind: 'invalid_params', data: { field: 'name' } });
    } finally {
      client.dispose();
    }
  });

  it('refuses a protocol version the daemon cannot serve, and an absent daemon', async () => {
    await expect(SessdClient.connect({ socket: h.paths.socket, protocolVersion: 9 })).rejects.toMatchObject({ kind: 'protocol_mismatch', data: { serverVersion: 1 } });
    await expect(SessdClient.connect({ socket: `${h.dir}/nobody.sock` })).rejects.toBeInstanceOf(DaemonUnreachableError);
  });

  it('delivers subscribed events in order and stops at dispose; a closed client rejects its calls', async () => {
    const client = await SessdClient.connect({ socket: h.paths.socket });
    const seen: SessdEvent[] = [];
    const arrived = new Wakeable();
    const sub = await client.subscribe({ types: ['session.created', 'session.deleted'] }, (e) => {
      seen.push(e);
      arrived.wake();
    });
    const s = await client.session.create({ command: ['sleep', '1000'] });
    await client.session.delete({ session: s.id, force: true });
    await arrived.until(() => (seen.length >= 2 ? true : undefined), () => JSON.stringify(seen));
    expect(seen.map((e) => [e.type, e.sessionId])).toEqual([
      ['session.created', s.id],
      ['session.deleted', s.id],
    ]);
    expect(seen[1]!.seq).toBeGreaterThan(seen[0]!.seq);
    await sub.dispose();
    client.dispose();
    await expect(client.daemon.status()).rejects.toThrow('closed by the client');
  });
});
