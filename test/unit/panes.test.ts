import { describe, expect, it } from 'vitest';
import { parsePaneRow } from '../../daemon/backend/tmux/panes.js';

describe('parsePaneRow', () => {
  const row = (...fields: string[]) => fields.join('\t');

  it('reads a live pane', () => {
    expect(parsePaneRow(row('%3', '1234', '0', '', '', '1795246788', '0', '0', 's1234567'))).toEqual({
      name: 's1234567', paneId: '%3', panePid: 1234, dead: false, exitCode: null, exitSignal: null,
      createdAt: new Date(1795246788_000).toISOString(), order: 0,
    });
  });

  it('reads an exit status, and a death by signal as 128 + the signal', () => {
    expect(parsePaneRow(row('%3', '1234', '1', '7', '', '1', '0', '0', 'x'))).toMatchObject({ dead: true, exitCode: 7, exitSignal: null });
    expect(parsePaneRow(row('%3', '1234', '1', '', '9', '1', '0', '0', 'x'))).toMatchObject({ dead: true, exitCode: 137, exitSignal: 'SIGKILL' });
    // Dead before tmux has the status (it comes with SIGCHLD): no code yet.
    expect(parsePaneRow(row('%3', '1234', '1', '', '', '1', '0', '0', 'x'))).toMatchObject({ dead: true, exitCode: null, exitSignal: null });
  });

  it('keeps tabs in a session name, which comes last, and orders by window then pane', () => {
    expect(parsePaneRow(row('%3', '1', '0', '', '', '1', '2', '1', 'a\tb'))).toMatchObject({ name: 'a\tb', order: 20_001 });
    expect(parsePaneRow('%3\t1\t0')).toBeNull();
  });
});
