import { describe, expect, it } from 'vitest';
import { EventsSubscribeRequest, SessionCreateRequest, SessionGetRequest, type SessdEvent } from '../../shared/protocol/index.js';
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
});
