import { describe, expect, it } from 'vitest';
import type { InteractionListResult, Message, Session, SessionListResult } from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';
import { ReportServer } from '../helpers/reporter.js';
import { sess, sessJson } from '../helpers/sess.js';

const h = useDaemon();
const run = (args: string[]) => sess(h.paths, args);
const json = <T>(args: string[]) => sessJson<T>(h.paths, args);

/** Waits for the session's activity, through events. */
async function until(s: Session, activity: string): Promise<void> {
  const client = await h.connect();
  await client.subscribe({ sessions: [s.id], types: ['session.activity'] });
  const now = await json<Session>(['show', s.id]);
  if (now.activity !== activity) await client.waitForEvent((e) => e.data.activity === activity);
  client.close();
}

describe('sess ls --waiting, inbox, approve, deny, answer, send --when idle', () => {
  it('shows who waits, answers from the CLI, and queues messages for idle', async () => {
    const reporter = await ReportServer.start(h.dir);
    const s = await json<Session>(['new', '-n', 'bot', '--agent', 'claude', ...reporter.agent()]);
    await until(s, 'idle');
    expect(await run(['ls', '--waiting'])).toMatchObject({ code: 0, stdout: 'No session is waiting for you.\n' });
    expect(await run(['inbox'])).toMatchObject({ code: 0, stdout: 'Nothing is waiting for you.\n' });
    expect(await run(['approve', 'bot'])).toMatchObject({ code: 4 });

    await run(['send', 'bot', 'tidy up, approve first']);
    await until(s, 'waiting');
    const ls = await run(['ls', '--waiting']);
    expect(ls.stdout).toMatch(/^bot +default +running +waiting /m);
    expect((await json<SessionListResult>(['ls', '--waiting'])).sessions.map((x) => x.name)).toEqual(['bot']);
    const inbox = await run(['inbox']);
    expect(inbox.stdout).toMatch(/^bot +approval +\d+s +Do you want to proceed\? +1\) Yes {2}2\) Yes, and don't ask again/m);
    expect(inbox.stdout).toMatch(/^bot wants to run `rm -rf build` \(Bash: Remove the build directory\)$/m);
    expect((await json<InteractionListResult>(['inbox'])).interactions).toHaveLength(1);
    // Typed now, the text would answer the question: refused, saying what to do instead.
    const refused = await run(['send', 'bot', 'one more thing']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/waits for an answer to "Do you want to proceed\?" \(Bash: rm -rf build\)/);
    expect(refused.stderr).toMatch(/`sess inbox`.*`sess answer bot CHOICE`.*--force/s);

    const queued = await json<Message>(['send', '--when', 'idle', 'bot', 'after the approval']);
    expect(queued.status).toBe('queued');
    expect(await run(['answer', 'bot', 'maybe'])).toMatchObject({ code: 2 });
    expect(await run(['answer', 'bot', 'yes'])).toMatchObject({ code: 0, stdout: 'answered Do you want to proceed? with 1) Yes\n' });
    await reporter.next((r) => r.type === 'answer' && r.choice === '1', 0);
    await reporter.next((r) => r.type === 'line' && r.text === 'after the approval', 0);

    await until(s, 'idle');
    await run(['send', 'bot', 'risky, approve first']);
    await until(s, 'waiting');
    expect(await run(['deny', 'bot'])).toMatchObject({ code: 0, stdout: 'denied: Do you want to proceed? -> No, and tell Claude what to do differently\n' });
    await reporter.next((r) => r.type === 'answer' && r.choice === '3', 0);
    await reporter.close();
  });
});
