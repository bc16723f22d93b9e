import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as vscode from 'vscode';
import { activate, deactivate } from '../../client/editors/vscode/src/extension.js';
import type { Node } from '../../client/editors/vscode/src/tree.js';
import { repository } from '../helpers/git.js';
import { useDaemon } from '../helpers/harness.js';
import { mock } from '../helpers/vscode-mock.js';

describe('the VS Code extension and worktree sessions', () => {
  // The daemon's git reads no user or system config.
  const h = useDaemon({ env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

  it("opens a session's changes as a diff document", async () => {
    mock.reset();
    mock.configuration = { 'sessd.socket': h.paths.socket, 'sessd.autostart': false };
    const repo = await repository();
    const s = await h.createShell({ name: 'ext-tree', cwd: repo.dir, worktree: true });
    writeFileSync(join(s.cwd, 'shared.txt'), 'edited in the worktree\n');
    const extension = activate({ subscriptions: [] } as unknown as vscode.ExtensionContext);
    await extension.connected();

    await mock.commands.get('sessd.diff')!({ kind: 'session', session: s } satisfies Node);
    expect(mock.messages.filter((m) => m.level === 'error')).toEqual([]);
    const [document] = mock.documents;
    expect(document).toMatchObject({ language: 'diff', shown: true });
    expect(document!.content).toContain(`# default/ext-tree: changes since ${repo.head.slice(0, 12)}`);
    expect(document!.content).toContain('+edited in the worktree');

    const plain = await h.createShell({ name: 'ext-plain' });
    await mock.commands.get('sessd.diff')!({ kind: 'session', session: plain } satisfies Node);
    expect(mock.messages.at(-1)).toMatchObject({ level: 'error' });
    expect(mock.messages.at(-1)!.text).toContain('has no worktree');
    deactivate();
  });
});
