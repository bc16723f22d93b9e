import { describe, expect, it } from 'vitest';
import type { Session, SessionStatus } from '../../shared/protocol/model.js';
import { mergePatch } from '../../daemon/sessions/merge-patch.js';
import { defaultName, inferAgent, parseRef } from '../../daemon/sessions/naming.js';
import { nameProblem } from '../../shared/protocol/names.js';
import { querySessions } from '../../daemon/sessions/query.js';
import { planReconcile } from '../../daemon/sessions/reconcile.js';
import { nextStatus, type SessionAction } from '../../daemon/sessions/status.js';
import { SessionRegistry } from '../../daemon/sessions/registry.js';

function session(id: string, over: Partial<Session> = {}): Session {
  return {
    id, name: id, space: 'default', status: 'running', activity: 'unknown', command: ['sh'], cwd: '/', env: {},
    template: null, agent: 'shell', labels: {}, taskId: null, agentId: null, sessionType: null, context: {},
    restartPolicy: 'never', restarts: 0, exitCode: null, exitSignal: null, pid: 1, size: { cols: 80, rows: 24 },
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', startedAt: null, endedAt: null,
    lastActivityAt: null, lastCheckpointAt: null, nextRestartAt: null, runtime: { backend: 'tmux', tmuxSession: id, paneId: '%1', panePid: 1 },
    ...over,
  };
}

describe('status machine', () => {
  const all: SessionStatus[] = ['created', 'running', 'paused', 'suspended', 'stopped', 'exited', 'crashed'];
  const table: Record<SessionAction, Partial<Record<SessionStatus, SessionStatus>>> = {
    start: { created: 'running', stopped: 'running', exited: 'running', crashed: 'running', suspended: 'running' },
    stop: { running: 'stopped', paused: 'stopped' },
    pause: { running: 'paused' },
    resume: { paused: 'running', suspended: 'running' },
    suspend: { running: 'suspended', paused: 'suspended' },
    restore: { created: 'running', stopped: 'running', exited: 'running', crashed: 'running', suspended: 'running' },
    restart: Object.fromEntries(all.map((s) => [s, 'running'])),
    exit: { running: 'exited', paused: 'exited' },
    crash: { running: 'crashed', paused: 'crashed' },
  };
  for (const [action, allowed] of Object.entries(table) as [SessionAction, Partial<Record<SessionStatus, SessionStatus>>][]) {
    it(`${action}: allowed exactly from ${Object.keys(allowed).join(', ')}`, () => {
      for (const from of all) expect(nextStatus(from, action)).toBe(allowed[from] ?? null);
    });
  }
});

describe('names', () => {
  it.each(['api', 'services', 's1234567', 'a;b', '#{pane_id}', 'it\'s "quoted"', 'é漢字😀', 'with space', 'x'.repeat(100)])('accepts %j', (name) =>
    expect(nameProblem(name)).toBeNull(),
  );
  it.each([
    ['', /empty/],
    ['a/b', /"\/"/],
    ['line\nbreak', /control/],
    ['tab\there', /control/],
    [' padded', /whitespace/],
    ['x'.repeat(101), /at most/],
    ['\ud800', /Unicode/],
  ])('refuses %j', (name, why) => expect(nameProblem(name)).toMatch(why));

  it('parses references', () => {
    expect(parseRef('s1234567')).toEqual({ id: 's1234567', space: 'default', name: 's1234567' });
    expect(parseRef('work/api')).toEqual({ space: 'work', name: 'api' });
    expect(parseRef('api')).toEqual({ space: 'default', name: 'api' });
  });

  it('derives default names from the program, unique in the space', () => {
    const taken = new Set(['claude', 'claude-2']);
    expect(defaultName(['/usr/bin/claude', '--x'], (n) => taken.has(n))).toBe('claude-3');
    expect(defaultName(['-bash'], () => false)).toBe('bash');
    expect(inferAgent(['/usr/local/bin/aider'])).toBe('aider');
    expect(inferAgent(['/bin/zsh', '-l'])).toBe('shell');
    expect(inferAgent(['npm', 'run', 'dev'])).toBe('generic');
    // A shell running a script shows no prompt: it is read like any program.
    expect(inferAgent(['sh', '-c', 'npm run dev'])).toBe('generic');
    expect(inferAgent(['bash', 'deploy.sh'])).toBe('generic');
    expect(inferAgent(['/bin/bash', '--norc', '--noprofile'])).toBe('shell');
  });

  it('resolves ids before names, and names per space', () => {
    const r = new SessionRegistry();
    r.load([session('s0000001', { name: 'api' }), session('s0000002', { name: 'api', space: 'work' })]);
    expect(r.resolve('api')?.id).toBe('s0000001');
    expect(r.resolve('work/api')?.id).toBe('s0000002');
    expect(r.resolve('s0000002')?.id).toBe('s0000002');
    expect(r.resolve('nope')).toBeUndefined();
    expect(r.reserve('default', 'api', 's0000003')).toBe(false);
    expect(r.reserve('default', 'web', 's0000003')).toBe(true);
    expect(r.reserve('default', 'web', 's0000004')).toBe(false);
  });
});

describe('mergePatch (RFC 7396)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => expect(mergePatch(target, patch)).toEqual(result));
});

describe('querySessions', () => {
  const sessions = Array.from({ length: 7 }, (_, i) =>
    session(`s000000${i}`, {
      createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
      status: i % 2 === 0 ? 'running' : 'exited',
      labels: { team: i < 3 ? 'a' : 'b' },
      taskId: i === 4 ? 'T4' : null,
      space: i === 6 ? 'other' : 'default',
    }),
  );

  it('filters by every field', () => {
    const ids = (params: Parameters<typeof querySessions>[1]) => querySessions(sessions, params).sessions.map((s) => s.id);
    expect(ids({ status: ['exited'] })).toEqual(['s0000001', 's0000003', 's0000005']);
    expect(ids({ labels: { team: 'a' } })).toEqual(['s0000000', 's0000001', 's0000002']);
    expect(ids({ taskId: 'T4' })).toEqual(['s0000004']);
    expect(ids({ space: 'other' })).toEqual(['s0000006']);
    expect(ids({ createdAfter: '2026-01-02T00:00:00Z', createdBefore: '2026-01-04T00:00:00Z' })).toEqual(['s0000002']);
  });

  it('pages with a cursor, oldest first, without repeats or gaps', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = querySessions(sessions, { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(sessions.map((s) => s.id));
  });

  it('refuses a cursor it did not make', () => {
    expect(() => querySessions(sessions, { cursor: 'bm9wZQ' })).toThrow(/cursor/);
  });
});

describe('planReconcile', () => {
  it('adopts, marks exited and crashed, reports unknown sessions, and ignores its own', () => {
    const stored = [
      session('s0000001'),
      session('s0000002', { status: 'paused' }),
      session('s0000003'),
      session('s0000004', { status: 'stopped' }),
      session('s0000005', { status: 'created' }),
      session('s0000006', { status: 'exited' }),
    ];
    const state = (name: string, dead = false) => ({ name, paneId: '%1', panePid: 1, dead, exitCode: dead ? 1 : null, exitSignal: null, createdAt: null });
    const plan = planReconcile(
      stored,
      [state('s0000001'), state('s0000002', true), state('_sessd'), state('stranger'), state('s9999999'), state('s0000005'), state('s0000006', true)],
      (name) => name === '_sessd',
      (name) => name === 's9999999',
    );
    expect(plan.adopted.map((s) => s.id)).toEqual(['s0000001']);
    expect(plan.exited.map((e) => e.session.id)).toEqual(['s0000002']);
    expect(plan.crashed.map((s) => s.id)).toEqual(['s0000003']);
    // A start whose record was lost: its program runs, so it is adopted; an ended one's kept screen is not.
    expect(plan.started.map((s) => s.id)).toEqual(['s0000005']);
    expect(plan.unmanaged).toEqual([{ name: 'stranger', createdAt: null }]);
  });

  it('leaves a pane that tmux marked dead before recording its exit status to the death watch', () => {
    const dead = { name: 's0000001', paneId: '%1', panePid: 1, dead: true, exitCode: null, exitSignal: null, createdAt: null };
    const plan = planReconcile([session('s0000001')], [dead], () => false, () => false);
    expect(plan.dying.map((s) => s.id)).toEqual(['s0000001']);
    expect(plan.exited).toEqual([]);
    expect(plan.adopted).toEqual([]);
  });
});
