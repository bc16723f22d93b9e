import { describe, expect, it } from 'vitest';
import {
  InteractionListRequest,
  MessageListRequest,
  SessionCreateRequest,
  SessionGetRequest,
  SessionSendRequest,
  SessionUpdateRequest,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';

/** Small limits, so that each is reached quickly. */
const h = useDaemon({ config: 'limits: {contextBytes: 4096, labels: 4, queuedMessages: 3}\n' });

describe('what grows per session is bounded', () => {
  it('refuses a context merge past limits.contextBytes, keeping the context as it was', async () => {
    const s = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], context: { a: 'x'.repeat(1000) } });
    await h.client.request(SessionUpdateRequest, { session: s.id, context: { b: 'x'.repeat(1000) } });
    await h.client.request(SessionUpdateRequest, { session: s.id, context: { c: 'x'.repeat(1000) } });
    const e = await expectError(h.client.request(SessionUpdateRequest, { session: s.id, context: { d: 'x'.repeat(1500) } }), -32007, 'limit_exceeded');
    expect(e.data).toMatchObject({ limit: 'contextBytes', max: 4096 });
    expect(Object.keys((await h.client.request(SessionGetRequest, { session: s.id })).context).sort()).toEqual(['a', 'b', 'c']);
    // A merge that removes keys brings it back under the limit, and then more fits.
    await h.client.request(SessionUpdateRequest, { session: s.id, context: { a: null, b: null } });
    await h.client.request(SessionUpdateRequest, { session: s.id, context: { d: 'x'.repeat(1500) } });
    await expectError(h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], context: { a: 'x'.repeat(5000) } }), -32007, 'limit_exceeded');
  });

  it('refuses labels past limits.labels, at create and at update', async () => {
    const s = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], labels: { a: '1', b: '2', c: '3' } });
    await h.client.request(SessionUpdateRequest, { session: s.id, labels: { d: '4' } });
    const e = await expectError(h.client.request(SessionUpdateRequest, { session: s.id, labels: { e: '5' } }), -32007, 'limit_exceeded');
    expect(e.data).toMatchObject({ limit: 'labels', max: 4, actual: 5 });
    await expectError(
      h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], labels: { a: '1', b: '2', c: '3', d: '4', e: '5' } }),
      -32007,
      'limit_exceeded',
    );
  });

  it('refuses a queued message past limits.queuedMessages for that session only', async () => {
    // A program that prints nothing is never read as idle: messages for its idle wait.
    const busy = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    for (let i = 0; i < 3; i++) {
      expect((await h.client.request(SessionSendRequest, { session: busy.id, text: `m${i}`, when: 'idle' })).status).toBe('queued');
    }
    const e = await expectError(h.client.request(SessionSendRequest, { session: busy.id, text: 'one too many', when: 'idle' }), -32007, 'limit_exceeded');
    expect(e.data).toMatchObject({ limit: 'queuedMessages', max: 3 });
    const other = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
    expect((await h.client.request(SessionSendRequest, { session: other.id, text: 'fine', when: 'idle' })).status).toBe('queued');
  });

  it('refuses a context nested 2,000 levels deep as invalid params (-32602), naming where', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) deep = { n: deep };
    const e = await expectError(h.client.raw('session/create', { command: ['sleep', '1000'], context: deep }), -32602, 'invalid_params');
    expect(e.message).toContain('context.n.n');
    expect(e.message).toContain('nested deeper than 64 levels');
    await expectError(h.client.raw('session/update', { session: 'nope', context: deep }), -32602, 'invalid_params');
  });

  it('pages message/list like session/list: oldest first, every message once, a bad cursor refused', async () => {
    const sent: string[] = [];
    for (let n = 0; n < 3; n++) {
      const s = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'] });
      for (let i = 0; i < 3; i++) sent.push((await h.client.request(SessionSendRequest, { session: s.id, text: `p${n}${i}`, when: 'idle' })).id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.request(MessageListRequest, { limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.messages.length).toBeLessThanOrEqual(4);
      seen.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of sent) expect(seen).toContain(id);
    await expectError(h.client.request(MessageListRequest, { cursor: 'nope' }), -32602, 'invalid_params');
    await expectError(h.client.request(InteractionListRequest, { cursor: 'nope' }), -32602, 'invalid_params');
  });
});
