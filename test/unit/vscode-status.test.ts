import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/protocol/model.js';
import type { SessionsModel } from '../../client/editors/vscode/src/core/sessions.js';
import { isWaiting } from '../../client/editors/vscode/src/core/sessions.js';
import { WaitingStatus } from '../../client/editors/vscode/src/status.js';
import { mock } from '../helpers/vscode-mock.js';

const session = (name: string, status: Session['status'], activity: Session['activity']): Session =>
  ({ id: `s${name}`, name, space: 'default', status, activity }) as Session;

describe('the waiting count in the status bar', () => {
  it('counts live sessions waiting for a person, hides itself when none does, and says when sessd is away', () => {
    mock.reset();
    const status = new WaitingStatus();
    const sessions = [session('a', 'running', 'waiting'), session('b', 'running', 'busy'), session('c', 'exited', 'waiting'), session('d', 'paused', 'waiting')];
    const model = { waiting: () => sessions.filter(isWaiting) } as unknown as SessionsModel;
    status.update(model, true);
    expect(mock.statusItems[0]).toMatchObject({ visible: true, text: '$(bell-dot) 2 waiting', command: 'sessd.showWaiting' });
    expect(mock.statusItems[0]!.tooltip).toBe('Waiting for you: default/a, default/d');
    status.update({ waiting: () => [] } as unknown as SessionsModel, true);
    expect(mock.statusItems[0]!.visible).toBe(false);
    status.update(undefined, false);
    expect(mock.statusItems[0]).toMatchObject({ visible: true, text: '$(debug-disconnect) sessd' });
    status.dispose();
  });
});
