import { describe, expect, it } from 'vitest';
import {
  CheckpointListRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionGetRequest,
  SessionRestoreRequest,
  SessionResumeRequest,
  SessionSendRequest,
  SessionStopRequest,
  SessionSuspendRequest,
  type SessdEvent,
  type Session,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { killTmuxServer } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { ReportServer } from '../helpers/reporter.js';

const h = useDaemon({ config: 'limits:\n  restartDelay: 100ms\n  restartMaxDelay: 2s\n  restartLimit: 3\n' });

const isStatus = (id: string, status: string) => (e: SessdEvent) => e.type === 'session.status' && e.sessionId === id && e.data.status === status;

/** A session running input-reporter that has typed `line` and shows it, with a checkpoint. */
async function reporterWithCheckpoint(reporter: ReportServer, name: string, line: string, checkpoint: { resumePrompt?: string; context?: Record<string, string> }): Promise<Session> {
  const from = reporter.reports.length;
  const s = await h.client.request(SessionCreateRequest, { name, command: reporter.command(), restartPolicy: 'on-failure' });
  const { index } = await reporter.next((r) => r.type === 'ready', from);
  await h.client.request(SessionSendRequest, { session: s.id, text: line });
  await reporter.next((r) => r.type === 'line' && r.text === line, index);
  await h.waitForScreen(s, (screen) => screen.includes(`> ${line}`));
  await h.client.request(SessionCheckpointRequest, { session: s.id, label: 'mid-task', ...checkpoint });
  return s;
}

describe('session/restore', () => {
  it('brings a stopped session back with its scrollback above the new output, then types the resume prompt', async () => {
    const reporter = await ReportServer.start(h.dir);
    const s = await reporterWithCheckpoint(reporter, 'agent', 'first words', { resumePrompt: 'go on from step 3', context: { step: '3' } });
    await h.client.request(SessionStopRequest, { session: s.id });
    const before = reporter.reports.length;
    const restored = await h.client.request(SessionRestoreRequest, { session: s.id });
    expect(restored).toMatchObject({ id: s.id, status: 'running', command: s.command, context: { step: '3' } });
    // The prompt arrives once the program is ready (it printed "ready> " and went quiet).
    const { index } = await reporter.next((r) => r.type === 'line', before);
    expect(reporter.reports[index]).toEqual({ type: 'line', text: 'go on from step 3' });
    expect(reporter.reports.slice(before, index).map((r) => r.type)).toEqual(['ready']);
    const screen = await h.waitForScreen(restored, (text) => text.includes('> go on from step 3'));
    const [saved, fresh] = screen.split(/── restored from checkpoint 1 "mid-task" of \S+ ──\n/);
    expect(saved).toContain('> first words');
    expect(fresh).toMatch(/^ready>\n> go on from step 3\nready>/);
    await reporter.close();
  });

  it('restores as a new session beside the old one, which is left alone', async () => {
    const reporter = await ReportServer.start(h.dir);
    const s = await reporterWithCheckpoint(reporter, 'original', 'original words', { resumePrompt: 'copy, go on' });
    const before = reporter.reports.length;
    const copy = await h.client.request(SessionRestoreRequest, { session: s.id, name: 'the-copy' });
    expect(copy).toMatchObject({ name: 'the-copy', space: s.space, status: 'running', command: s.command, restartPolicy: 'on-failure' });
    expect(copy.id).not.toBe(s.id);
    await reporter.next((r) => r.type === 'line' && r.text === 'copy, go on', before);
    expect(await h.client.request(SessionGetRequest, { session: s.id })).toMatchObject({ status: 'running', pid: s.pid });
    await expectError(h.client.raw('session/restore', { session: s.id }), -32003, 'invalid_state');
    await expectError(h.client.raw('session/restore', { session: s.id, name: 'the-copy' }), -32002, 'session_exists');
    await reporter.close();
  });
});

describe('session/suspend and session/resume', () => {
  it('checkpoints and stops, then restores from that checkpoint', async () => {
    const s = await h.createShell({ name: 'suspended' });
    await h.waitForScreen(s, (screen) => screen.startsWith('$'));
    await h.client.request(SessionSendRequest, { session: s.id, text: 'echo before-suspend' });
    await h.waitForScreen(s, (screen) => screen.includes('\nbefore-suspend'));
    const suspended = await h.client.request(SessionSuspendRequest, { session: s.id });
    expect(suspended).toMatchObject({ status: 'suspended', pid: null });
    const { checkpoints } = await h.client.request(CheckpointListRequest, { session: s.id });
    expect(checkpoints.map((c) => c.label)).toEqual(['suspend']);
    await expectError(h.client.raw('session/suspend', { session: s.id }), -32003, 'invalid_state');
    const resumed = (await h.client.request(SessionResumeRequest, { session: s.id })) as Session;
    expect(resumed.status).toBe('running');
    expect(resumed.pid).not.toBe(s.pid);
    const screen = await h.waitForScreen(resumed, (text) => /restored from checkpoint 1 "suspend".*\n\$/s.test(text));
    expect(screen.indexOf('before-suspend')).toBeLessThan(screen.indexOf('restored from checkpoint'));
  });
});

describe('restart policies', () => {
  it('bring back a program that exits non-zero, with doubling delays, until the limit', async () => {
    const from = h.client.events.length;
    await h.client.subscribe();
    const s = await h.client.request(SessionCreateRequest, { name: 'flaky', command: ['sh', '-c', 'echo run; exit 3'], restartPolicy: 'on-failure' });
    const gaveUp = await h.client.waitForEvent((e) => e.type === 'session.updated' && e.sessionId === s.id && e.data.restartGaveUp === true, from);
    const mine = h.client.events.slice(from).filter((e) => e.sessionId === s.id);
    const plans = mine.filter((e) => e.type === 'session.updated' && typeof e.data.nextRestartAt === 'string');
    expect(plans).toHaveLength(3);
    const delays = plans.map((e) => Date.parse(e.data.nextRestartAt as string) - Date.parse(e.time));
    expect(delays[1]! / delays[0]!).toBeCloseTo(2, 0);
    expect(delays[2]! / delays[1]!).toBeCloseTo(2, 0);
    // Each restart came at or after its planned time, and was counted.
    const starts = mine.filter((e) => e.type === 'session.status' && e.data.status === 'running' && e.data.reason === 'restart policy on-failure');
    expect(starts).toHaveLength(3);
    starts.forEach((start, i) => expect(Date.parse(start.time)).toBeGreaterThanOrEqual(Date.parse(plans[i]!.data.nextRestartAt as string)));
    expect(gaveUp.data).toMatchObject({ restarts: 3, nextRestartAt: null });
    expect(await h.client.request(SessionGetRequest, { session: s.id })).toMatchObject({ status: 'exited', exitCode: 3, restarts: 3, nextRestartAt: null });
  });

  it('leave a program that exits 0 under on-failure, and can be called off by a stop', async () => {
    const from = h.client.events.length;
    await h.client.subscribe();
    const fine = await h.client.request(SessionCreateRequest, { name: 'fine', command: ['true'], restartPolicy: 'on-failure' });
    await h.client.waitForEvent(isStatus(fine.id, 'exited'), from);
    const always = await h.client.request(SessionCreateRequest, { name: 'looping', command: ['sh', '-c', 'exit 0'], restartPolicy: 'always' });
    const planned = await h.client.waitForEvent((e) => e.type === 'session.updated' && e.sessionId === always.id && typeof e.data.nextRestartAt === 'string', from);
    // Called off: stopped, and nothing pending any more.
    const stopped = await h.client.request(SessionStopRequest, { session: always.id });
    expect(stopped).toMatchObject({ status: 'stopped', nextRestartAt: null });
    expect(Date.parse(planned.data.nextRestartAt as string)).toBeGreaterThan(0);
    expect(await h.client.request(SessionGetRequest, { session: fine.id })).toMatchObject({ status: 'exited', exitCode: 0, restarts: 0, nextRestartAt: null });
  });
});

describe('crash recovery', () => {
  it('marks every live session crashed when tmux dies, then restores those with a policy, context and resume prompt included', async () => {
    const reporter = await ReportServer.start(h.dir);
    const agent = await reporterWithCheckpoint(reporter, 'survivor', 'working on it', { resumePrompt: 'you crashed; continue', context: { branch: 'fix-42' } });
    const plain = await h.client.request(SessionCreateRequest, { name: 'no-policy', command: ['sleep', '1000'] });
    const fresh = await h.client.request(SessionCreateRequest, { name: 'no-checkpoint', command: ['sleep', '1000'], restartPolicy: 'always' });
    const from = h.client.events.length;
    await h.client.subscribe();
    const before = reporter.reports.length;
    await killTmuxServer(h.paths.tmuxSocket);
    for (const s of [agent, plain, fresh]) await h.client.waitForEvent(isStatus(s.id, 'crashed'), from);
    // Restored from its checkpoint, which the program is told about once ready.
    await h.client.waitForEvent(isStatus(agent.id, 'running'), from);
    const { index } = await reporter.next((r) => r.type === 'line', before);
    expect(reporter.reports[index]).toEqual({ type: 'line', text: 'you crashed; continue' });
    const restored = await h.client.request(SessionGetRequest, { session: agent.id });
    expect(restored).toMatchObject({ status: 'running', restarts: 1, context: { branch: 'fix-42' } });
    const screen = await h.waitForScreen(restored, (text) => text.includes('> you crashed; continue'));
    expect(screen).toContain('> working on it');
    // Without a checkpoint: its own command again. Without a policy: left crashed.
    await h.client.waitForEvent(isStatus(fresh.id, 'running'), from);
    expect(await h.client.request(SessionGetRequest, { session: fresh.id })).toMatchObject({ status: 'running', command: ['sleep', '1000'], restarts: 1 });
    expect(await h.client.request(SessionGetRequest, { session: plain.id })).toMatchObject({ status: 'crashed', restarts: 0 });
    await reporter.close();
  });

  it('does the same at the first start after a reboot: no tmux server, no daemon', async () => {
    const reporter = await ReportServer.start(h.dir);
    const agent = await reporterWithCheckpoint(reporter, 'rebooted', 'before the reboot', { resumePrompt: 'back after a reboot' });
    await h.daemon.stop();
    await killTmuxServer(h.paths.tmuxSocket);
    const before = reporter.reports.length;
    await h.restart();
    const { index } = await reporter.next((r) => r.type === 'line', before);
    expect(reporter.reports[index]).toEqual({ type: 'line', text: 'back after a reboot' });
    const restored = await h.client.request(SessionGetRequest, { session: agent.id });
    expect(restored).toMatchObject({ status: 'running', restarts: 1 });
    expect(h.daemon.logs.find((l) => l.msg === 'reconciled with tmux')).toMatchObject({ crashed: expect.any(Number) as number });
    await reporter.close();
  });
});
