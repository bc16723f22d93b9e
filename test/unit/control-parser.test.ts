import { describe, expect, it } from 'vitest';
import { ControlParser } from '../../daemon/backend/tmux/control-parser.js';

describe('ControlParser', () => {
  it('pairs a block and reads notifications outside it', () => {
    const p = new ControlParser();
    const out = p.feed('%sessions-changed\n%begin 10 5 1\nline one\nline two\n%end 10 5 1\n%exit server exited\n');
    expect(out).toEqual([
      { kind: 'notification', name: 'sessions-changed', args: '' },
      { kind: 'reply', time: 10, number: 5, flags: 1, ok: true, lines: ['line one', 'line two'] },
      { kind: 'notification', name: 'exit', args: 'server exited' },
    ]);
  });

  it('reports %error blocks as failed replies', () => {
    const out = new ControlParser().feed("%begin 1 2 1\ncan't find session: x\n%error 1 2 1\n");
    expect(out).toEqual([{ kind: 'reply', time: 1, number: 2, flags: 1, ok: false, lines: ["can't find session: x"] }]);
  });

  it('keeps %end lines of other commands (or of a hostile program) as output', () => {
    const out = new ControlParser().feed('%begin 7 3 1\n%end 7 4 1\n%end 8 3 1\n%begin 1 1 1\n%end 7 3 1\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ number: 3, lines: ['%end 7 4 1', '%end 8 3 1', '%begin 1 1 1'] });
  });

  it('reassembles lines split across chunks and strips CR', () => {
    const p = new ControlParser();
    expect(p.feed('%beg')).toEqual([]);
    expect(p.feed('in 1 1 1\r\nhel')).toEqual([]);
    expect(p.inBlock).toBe(true);
    expect(p.feed('lo\n%end 1 1 1\n')).toEqual([{ kind: 'reply', time: 1, number: 1, flags: 1, ok: true, lines: ['hello'] }]);
  });

  it('keeps empty output lines inside a block', () => {
    const out = new ControlParser().feed('%begin 1 1 1\n\na\n\n%end 1 1 1\n');
    expect(out[0]).toMatchObject({ lines: ['', 'a', ''] });
  });
});
