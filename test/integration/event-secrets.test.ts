import { describe, expect, it } from 'vitest';
import { EventsSubscribeRequest, SessionCreateRequest, SessionDeleteRequest, SessionGetRequest, type SessdEvent } from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';

const h = useDaemon();

const ENV = {
  OPENAI_API_KEY: 'sk-test-0123456789abcdef0123',
  GITHUB_TOKEN: 'plain-looking-but-named-secret',
  ODDLY_NAMED: 'ghp_abcdefghijklmnopqrstuvwxyz0123',
  EDITOR: 'vim',
};
const REDACTED_ENV = { OPENAI_API_KEY: '[redacted]', GITHUB_TOKEN: '[redacted]', ODDLY_NAMED: '[redacted]', EDITOR: 'vim' };

describe('events keep no secret in clear', () => {
  it('redacts secret-looking env values in session.created, live and replayed; the session itself keeps them', async () => {
    const live = await h.connect();
    await live.request(EventsSubscribeRequest, {});
    const s = await h.client.request(SessionCreateRequest, { name: 'keys', command: ['sleep', '1000'], env: ENV });
    expect(s.env).toEqual(ENV);
    expect((await h.client.request(SessionGetRequest, { session: s.id })).env).toEqual(ENV);

    const created = (e: SessdEvent): boolean => e.type === 'session.created' && e.sessionId === s.id;
    expect((await live.waitForEvent(created)).data.env).toEqual(REDACTED_ENV);

    const replay = await h.connect();
    await replay.request(EventsSubscribeRequest, { fromSeq: 0 });
    const replayed = await replay.waitForEvent(created);
    expect(replayed.data.env).toEqual(REDACTED_ENV);
    expect(JSON.stringify(replay.events)).not.toContain('sk-test-0123456789abcdef0123');
  });

  it("purges a deleted session's event payloads: replays keep the seqs, not the data", async () => {
    const s = await h.client.request(SessionCreateRequest, { name: 'gone', command: ['sleep', '1000'], env: { EDITOR: 'vim' }, context: { note: 'private' } });
    await h.client.request(SessionDeleteRequest, { session: s.id, force: true });
    const replay = await h.connect();
    await replay.request(EventsSubscribeRequest, { fromSeq: 0 });
    const deleted = await replay.waitForEvent((e) => e.type === 'session.deleted' && e.sessionId === s.id);
    const mine = replay.events.filter((e) => e.sessionId === s.id);
    expect(mine.map((e) => e.type)).toContain('session.created');
    for (const e of mine.filter((e) => e !== deleted)) expect(e.data).toEqual({ purged: true });
    expect(deleted.data).toEqual({ name: 'gone', space: 'default' });
    expect(JSON.stringify(mine)).not.toContain('private');
  });
});
