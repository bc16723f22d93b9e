import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, keyParts, move, rows, sessionKey } from '../../client/cli/dash/state.js';
import { parseKeys } from '../../client/cli/dash/terminal.js';
import { fit, render } from '../../client/cli/dash/view.js';
import type { SessdEvent, Session } from '../../shared/protocol/model.js';

const at = '2026-01-01T00:00:00.000Z';
/** A style sequence: it takes no cells. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const session = (id: string, name: string, space = 'default', over: Partial<Session> = {}): Session =>
  ({ id, name, space, status: 'running', activity: 'idle', agent: 'shell', labels: {}, cwd: '/', exitCode: null, createdAt: at, updatedAt: at, ...over }) as Session;
const event = (type: SessdEvent['type'], sessionId: string, data: SessdEvent['data']): SessdEvent => ({ seq: 1, time: at, type, sessionId, data });

describe('dashboard state', () => {
  it('lists waiting sessions first, then by space, and follows events', () => {
    const state = emptyState();
    for (const s of [session('a', 'web', 'work'), session('b', 'api'), session('c', 'review', 'agents')]) applyEvent(state, event('session.created', s.id, s));
    expect(rows(state).map((r) => (r.kind === 'heading' ? `# ${r.text}` : r.session.name))).toEqual(['# agents', 'review', '# default', 'api', '# work', 'web']);
    applyEvent(state, event('session.activity', 'a', { activity: 'waiting', previous: 'busy' }));
    expect(rows(state).slice(0, 2).map((r) => (r.kind === 'heading' ? r.text : r.session.name))).toEqual(['waiting for you (1)', 'web']);
    applyEvent(state, event('session.status', 'a', { status: 'stopped', previous: 'running' }));
    expect(state.sessions.get('a')).toMatchObject({ status: 'stopped', activity: 'unknown' });
    state.filter = 'agents/';
    expect(rows(state).filter((r) => r.kind === 'session')).toHaveLength(1);
    state.filter = '';
    state.selected = 'c';
    move(state, 1);
    expect(state.selected).toBe('b');
    applyEvent(state, event('session.deleted', 'b', {}));
    expect(state.sessions.has('b')).toBe(false);
  });

  it('draws exactly the terminal, 80x24 and 200 sessions alike', () => {
    const state = emptyState();
    for (let i = 0; i < 200; i++) applyEvent(state, event('session.created', `s${i}`, session(`s${i}`, `agent-${i}`, `space-${i % 7}`)));
    state.lastLine.set('s0', 'x'.repeat(300));
    for (const [w, h] of [[80, 24], [200, 60], [40, 10]] as const) {
      const lines = render(state, { kind: 'list' }, w, h, { color: false }, Date.parse(at));
      expect(lines).toHaveLength(h);
      for (const line of lines) expect(line.replaceAll(SGR, '').length).toBe(w);
    }
    expect(fit('日本語', 5)).toBe('日本 ');
    expect(fit('a\tb', 4)).toBe('a b ');
  });

  it('reads keys from a raw terminal', () => {
    expect(parseKeys('\x1b[A\x1bOBq\r\x1b[5~é\x7f\x03')).toEqual([
      { name: 'up' },
      { name: 'down' },
      { name: 'char', char: 'q' },
      { name: 'enter' },
      { name: 'pageup' },
      { name: 'char', char: 'é' },
      { name: 'backspace' },
      { name: 'ctrl-c' },
    ]);
    expect(parseKeys('\x1b')).toEqual([{ name: 'escape' }]);
  });
});

describe('dashboard across machines', () => {
  it('keys sessions by host, shows a HOST column and each host that is not connected', () => {
    const state = emptyState();
    state.hosts = new Map([
      ['local', 'live'],
      ['build', 'live'],
      ['gpu', 'cannot reach gpu: ssh: connect to host gpu port 22: Connection refused; reconnecting'],
    ]);
    // The same id on two machines is two sessions.
    state.sessions.set(sessionKey(state, 'build', 's1'), session('s1', 'api'));
    state.sessions.set(sessionKey(state, 'local', 's1'), session('s1', 'web'));
    state.sessions.set(sessionKey(state, 'local', 's2'), session('s2', 'review', 'agents', { activity: 'waiting' }));
    expect(keyParts(state, sessionKey(state, 'build', 's1'))).toEqual({ host: 'build', id: 's1' });
    expect(rows(state).map((r) => (r.kind === 'heading' ? `# ${r.text}` : `${r.host} ${r.session.name}`))).toEqual([
      '# gpu: cannot reach gpu: ssh: connect to host gpu port 22: Connection refused; reconnecting',
      '# waiting for you (1)',
      'local review',
      '# default',
      'local web',
      'build api',
    ]);
    const lines = render(state, { kind: 'list' }, 80, 24, { color: false }, Date.parse(at));
    expect(lines[0]).toContain('3 sessions on 3 hosts · 1 waiting');
    expect(lines.find((l) => l.includes('api'))).toMatch(/^ {3}build\s+api\s+idle/);
    state.filter = 'build';
    expect(rows(state).filter((r) => r.kind === 'session').map((r) => (r.kind === 'session' ? r.key : ''))).toEqual(['build s1']);
  });
});
