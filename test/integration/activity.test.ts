import { describe, expect, it } from 'vitest';
import {
  InteractionListRequest,
  InteractionRespondRequest,
  MessageGetRequest,
  MessageListRequest,
  SessionApproveRequest,
  SessionCreateRequest,
  SessionGetRequest,
  SessionKeysRequest,
  SessionSendRequest,
  type Interaction,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import { expectError, type TestClient } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { ReportServer } from '../helpers/reporter.js';

const h = useDaemon();

const activityOf = (id: string) => (e: SessdEvent) => e.type === 'session.activity' && e.sessionId === id;
const activities = (client: TestClient, id: string, from = 0): string[] =>
  client.events.slice(from).filter(activityOf(id)).map((e) => e.data.activity as string);

/** Waits for the session's `n`th activity event from `from` on to be `activity`. */
async function untilActivity(client: TestClient, id: string, activity: string, from = 0): Promise<number> {
  const event = await client.waitForEvent((e) => activityOf(id)(e) && e.data.activity === activity, from);
  return client.events.indexOf(event) + 1;
}

/** A session running the test agent (like Claude Code), and a client that sees its events. */
async function agent(name: string, reporter: ReportServer, env: Record<string, string> = {}): Promise<{ s: Session; client: TestClient }> {
  const client = await h.connect();
  await client.subscribe({ types: ['session.activity', 'interaction.opened', 'interaction.resolved', 'message.queued', 'message.delivered', 'message.failed'] });
  const s = await h.client.request(SessionCreateRequest, { name, command: reporter.agent(), agent: 'claude', env });
  return { s, client };
}

describe('activity', () => {
  it('follows the agent idle → busy → waiting → busy → idle, as events in order', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client } = await agent('seq', reporter);
    const idle = await untilActivity(client, s.id, 'idle');
    await h.client.request(SessionSendRequest, { session: s.id, text: 'clean up, approve first' });
    const opened = await client.waitForEvent((e) => e.type === 'interaction.opened' && e.sessionId === s.id, idle);
    const interaction = opened.data as unknown as Interaction;
    await h.client.request(InteractionRespondRequest, { id: interaction.id, choice: '1' });
    await untilActivity(client, s.id, 'idle', client.events.indexOf(opened));
    expect(activities(client, s.id)).toEqual(['idle', 'busy', 'waiting', 'busy', 'idle']);
    const current = await h.client.request(SessionGetRequest, { session: s.id });
    expect(current.activity).toBe('idle');
    expect(Date.parse(current.lastActivityAt!)).toBeGreaterThanOrEqual(Date.parse(s.createdAt));
    await reporter.close();
  });
});

describe('readiness', () => {
  it('types a message sent right after create once the agent is ready, whole', async () => {
    const reporter = await ReportServer.start(h.dir);
    const text = 'the very first message, typed before the agent was up';
    // The agent drops what is typed before its prompt is up, and takes a while to get there.
    const s = await h.client.request(SessionCreateRequest, { name: 'first', command: reporter.agent(), agent: 'claude', env: { AGENT_START_MS: '700' } });
    const message = await h.client.request(SessionSendRequest, { session: s.id, text });
    expect(message.status).toBe('delivered');
    const { report } = await reporter.next((r) => r.type === 'line', 0);
    expect(report).toEqual({ type: 'line', text });
    expect(reporter.reports.filter((r) => r.type === 'line')).toHaveLength(1);
    await reporter.close();
  });
});

describe('messages sent when idle', () => {
  it('delivers three in order, each only once the agent is idle again', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client } = await agent('queue', reporter);
    await untilActivity(client, s.id, 'idle');
    await h.client.request(SessionSendRequest, { session: s.id, text: 'a long first task' });
    const queued = [];
    for (const text of ['second', 'third', 'fourth']) {
      queued.push(await h.client.request(SessionSendRequest, { session: s.id, text, when: 'idle' }));
    }
    expect(queued.map((m) => m.status)).toEqual(['queued', 'queued', 'queued']);
    const lastId = queued.at(-1)!.id;
    await client.waitForEvent((e) => e.type === 'message.delivered' && e.data.id === lastId);
    await untilActivity(client, s.id, 'idle', client.events.findIndex((e) => e.type === 'message.delivered' && e.data.id === lastId));
    const lines = reporter.reports.filter((r) => r.type === 'line').map((r) => (r as { text: string }).text);
    expect(lines).toEqual(['a long first task', 'second', 'third', 'fourth']);
    // Between deliveries the agent worked (busy) and came back to idle; each went in while idle.
    const story = client.events
      .filter((e) => e.sessionId === s.id && (e.type === 'message.delivered' || e.type === 'session.activity'))
      .map((e) => (e.type === 'message.delivered' ? `sent:${e.data.text as string}` : (e.data.activity as string)));
    const firstQueued = story.indexOf('sent:second');
    expect(story.slice(firstQueued - 1)).toEqual(['idle', 'sent:second', 'busy', 'idle', 'sent:third', 'busy', 'idle', 'sent:fourth', 'busy', 'idle']);
    const listed = await h.client.request(MessageListRequest, { session: s.id, status: 'delivered' });
    expect(listed.messages.map((m) => m.text)).toEqual(['a long first task', 'second', 'third', 'fourth']);
    await reporter.close();
  });

  it('expires a message that the session is not idle for in time', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client } = await agent('expiry', reporter, { AGENT_BUSY_TICKS: '400' });
    await untilActivity(client, s.id, 'idle');
    await h.client.request(SessionSendRequest, { session: s.id, text: 'a task that takes ten seconds' });
    await untilActivity(client, s.id, 'busy');
    const m = await h.client.request(SessionSendRequest, { session: s.id, text: 'too late', when: 'idle', expiresInMs: 200 });
    const failed = await client.waitForEvent((e) => e.type === 'message.failed' && e.data.id === m.id);
    expect(failed.data).toMatchObject({ status: 'expired' });
    expect(failed.data.error).toContain('not idle');
    expect(await h.client.request(MessageGetRequest, { id: m.id })).toMatchObject({ status: 'expired' });
    await expectError(h.client.raw('message/get', { id: 'no-such-message' }), -32014, 'message_not_found');
    await reporter.close();
  });
});

describe('interactions', () => {
  async function waitingAgent(name: string, reporter: ReportServer): Promise<{ s: Session; client: TestClient; interaction: Interaction }> {
    const { s, client } = await agent(name, reporter);
    await untilActivity(client, s.id, 'idle');
    await h.client.request(SessionSendRequest, { session: s.id, text: 'remove the build, approve first' });
    const opened = await client.waitForEvent((e) => e.type === 'interaction.opened' && e.sessionId === s.id);
    return { s, client, interaction: opened.data as unknown as Interaction };
  }

  it('opens one with the question and its choices; answering with a choice gives the agent exactly that', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client, interaction } = await waitingAgent('asks', reporter);
    expect(interaction).toMatchObject({
      sessionId: s.id,
      kind: 'approval',
      prompt: 'Do you want to proceed?',
      status: 'open',
      choices: [
        { id: '1', label: 'Yes' },
        { id: '2', label: "Yes, and don't ask again for rm commands" },
        { id: '3', label: 'No, and tell Claude what to do differently' },
      ],
    });
    expect((await h.client.request(SessionGetRequest, { session: s.id })).activity).toBe('waiting');
    await expectError(h.client.raw('interaction/respond', { id: interaction.id, choice: '7' }), -32602, 'invalid_params');
    const resolved = await h.client.request(InteractionRespondRequest, { id: interaction.id, choice: '2' });
    expect(resolved).toMatchObject({ id: interaction.id, status: 'resolved', response: '2' });
    const { report } = await reporter.next((r) => r.type === 'answer' || r.type === 'cancel', 0);
    expect(report).toEqual({ type: 'answer', choice: '2' });
    await client.waitForEvent((e) => e.type === 'interaction.resolved' && e.data.id === interaction.id);
    await expectError(h.client.raw('interaction/respond', { id: interaction.id, choice: '1' }), -32003, 'invalid_state');
    await expectError(h.client.raw('interaction/respond', { id: 'i-nope', choice: '1' }), -32009, 'interaction_not_found');
    expect((await h.client.request(InteractionListRequest, { session: s.id })).interactions).toMatchObject([{ id: interaction.id, status: 'resolved' }]);
    await reporter.close();
  });

  it('session/approve picks the approving choice, and deny the denying one', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client } = await waitingAgent('approves', reporter);
    expect(await h.client.request(SessionApproveRequest, { session: s.id })).toMatchObject({ status: 'resolved', response: '1' });
    await reporter.next((r) => r.type === 'answer' && r.choice === '1', 0);
    await untilActivity(client, s.id, 'idle', client.events.findIndex((e) => e.type === 'interaction.resolved'));
    await h.client.request(SessionSendRequest, { session: s.id, text: 'again, approve first' });
    await client.waitForEvent((e) => e.type === 'interaction.opened' && e.sessionId === s.id, client.events.findIndex((e) => e.type === 'interaction.resolved') + 1);
    expect(await h.client.request(SessionApproveRequest, { session: s.id, deny: true })).toMatchObject({ status: 'resolved', response: '3' });
    await reporter.next((r) => r.type === 'answer' && r.choice === '3', 0);
    await expectError(h.client.raw('session/approve', { session: s.id }), -32009, 'interaction_not_found');
    await reporter.close();
  });

  it('is cancelled when the prompt goes away by other means', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, client, interaction } = await waitingAgent('cancels', reporter);
    await h.client.request(SessionKeysRequest, { session: s.id, keys: ['Escape'] });
    await reporter.next((r) => r.type === 'cancel', 0);
    const resolved = await client.waitForEvent((e) => e.type === 'interaction.resolved' && e.data.id === interaction.id);
    expect(resolved.data).toMatchObject({ status: 'cancelled', response: null });
    await untilActivity(client, s.id, 'idle', client.events.indexOf(resolved));
    await reporter.close();
  });
});

describe('a queued message and a daemon killed with -9', () => {
  it('is still queued after the restart, and delivered once the agent is idle', async () => {
    const reporter = await ReportServer.start(h.dir);
    const { s, interaction } = await (async () => {
      const { s, client } = await agent('survivor', reporter);
      await untilActivity(client, s.id, 'idle');
      await h.client.request(SessionSendRequest, { session: s.id, text: 'risky, approve first' });
      const opened = await client.waitForEvent((e) => e.type === 'interaction.opened' && e.sessionId === s.id);
      return { s, interaction: opened.data };
    })();
    const m = await h.client.request(SessionSendRequest, { session: s.id, text: 'after the restart', when: 'idle' });
    await h.daemon.kill9();
    await h.restart();
    expect(await h.client.request(MessageGetRequest, { id: m.id })).toMatchObject({ status: 'queued', text: 'after the restart' });
    // The new daemon reads the screen again: the same question is the same interaction.
    const open = await h.client.request(InteractionListRequest, { session: s.id, status: 'open' });
    expect(open.interactions.map((i) => i.id)).toEqual([interaction.id]);
    await h.client.request(SessionApproveRequest, { session: s.id });
    await h.client.subscribe({ types: ['message.delivered'] });
    await reporter.next((r) => r.type === 'line' && r.text === 'after the restart', 0);
    await h.client.waitForEvent((e) => e.type === 'message.delivered' && e.data.id === m.id);
    expect(await h.client.request(MessageGetRequest, { id: m.id })).toMatchObject({ status: 'delivered' });
    await reporter.close();
  });
});
