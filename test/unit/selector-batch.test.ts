import type { Logger } from 'pino';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { describe, expect, it } from 'vitest';
import { errors } from '../../daemon/errors.js';
import type { ClientConnection } from '../../daemon/rpc/connection.js';
import { lifecycleRequest } from '../../daemon/rpc/handler.js';
import { SessionRegistry } from '../../daemon/sessions/registry.js';
import type { Session } from '../../shared/protocol/model.js';
import { SessionStopRequest } from '../../shared/protocol/session.js';

function session(id: string, labels: Record<string, string>): Session {
  return {
    id, name: id, space: 'default', status: 'running', activity: 'unknown', command: ['sh'], cwd: '/', env: {},
    template: null, agent: 'shell', labels, taskId: null, agentId: null, sessionType: null, context: {},
    restartPolicy: 'never', restarts: 0, exitCode: null, exitSignal: null, pid: 1, size: { cols: 80, rows: 24 },
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', startedAt: null, endedAt: null,
    lastActivityAt: null, lastCheckpointAt: null, nextRestartAt: null, runtime: { backend: 'tmux', tmuxSession: id, paneId: '%1', panePid: 1 },
  };
}

/** A logger that keeps what was warned. */
function recordingLog(): { log: Logger; warned: Record<string, unknown>[] } {
  const warned: Record<string, unknown>[] = [];
  const log = { warn: (fields: Record<string, unknown>) => void warned.push(fields) } as unknown as Logger;
  return { log, warned };
}

describe('a selector batch', () => {
  it('reports partial failure as data and logs each failed session once, with its id and error', async () => {
    const sessions = new SessionRegistry();
    sessions.load([session('s0000001', { team: 'web' }), session('s0000002', { team: 'web' }), session('s0000003', { team: 'api' })]);
    const { log, warned } = recordingLog();
    const handler = lifecycleRequest(SessionStopRequest, { sessions, log }, (s) => (s.id === 's0000002' ? Promise.reject(errors.invalidState(s, 'stop')) : Promise.resolve(s)));
    const ctx = { conn: { id: 7 } as ClientConnection, token: new CancellationTokenSource().token };

    const result = await handler.run({ selector: { labels: { team: 'web' } } }, ctx);

    expect(result).toMatchObject({ ok: ['s0000001'], failed: [{ id: 's0000002', error: { code: -32003 } }] });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ conn: 7, method: 'session/stop', session: 's0000002', code: -32003 });
    expect(warned[0]!.error).toEqual(expect.stringContaining('stop'));
  });

  it('logs nothing when every selected session succeeds, nor for a single session', async () => {
    const sessions = new SessionRegistry();
    sessions.load([session('s0000001', {})]);
    const { log, warned } = recordingLog();
    const handler = lifecycleRequest(SessionStopRequest, { sessions, log }, (s) => Promise.resolve(s));
    const ctx = { conn: { id: 1 } as ClientConnection, token: new CancellationTokenSource().token };
    await expect(handler.run({ selector: {} }, ctx)).resolves.toEqual({ ok: ['s0000001'], failed: [] });
    await expect(handler.run({ session: 's0000001' }, ctx)).resolves.toMatchObject({ id: 's0000001' });
    expect(warned).toEqual([]);
  });
});
