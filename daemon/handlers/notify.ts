import { NotifyTestRequest, type NotifyTestResult } from '../../shared/protocol/notify.js';
import type { Session } from '../../shared/protocol/model.js';
import type { LiveConfig } from '../config/live.js';
import { errors } from '../errors.js';
import { findRule, ruleName } from '../notify/rules.js';
import type { Notifier } from '../notify/notifier.js';
import { request, resolveSession, type Handler, type SessionLookup } from '../rpc/handler.js';

export function notifyTest({ sessions, notifier, config }: { sessions: SessionLookup; notifier: Notifier; config: Pick<LiveConfig, 'current'> }): Handler {
  return request(NotifyTestRequest, async (p): Promise<NotifyTestResult> => {
    const rules = config.current.notify;
    let indexes = rules.map((_, i) => i);
    if (p.rule !== undefined) {
      const index = findRule(rules, p.rule);
      if (index < 0) {
        const known = rules.map((r, i) => ruleName(r, i)).join(', ');
        throw errors.invalidParams('rule', `no notify rule ${p.rule} in the config file (${known === '' ? 'it has none' : `it has ${known}`})`);
      }
      indexes = [index];
    }
    const session = p.session === undefined ? sample() : resolveSession(sessions, p.session);
    const out: NotifyTestResult = { rules: [] };
    for (const index of indexes) {
      const { title, actions } = await notifier.test(index, session);
      out.rules.push({ rule: ruleName(rules[index]!, index), title, actions });
    }
    return out;
  });
}

/** The session a test notification is about when none is named. */
function sample(): Session {
  const now = new Date().toISOString();
  return {
    id: 'example',
    name: 'example',
    space: 'default',
    status: 'running',
    activity: 'waiting',
    command: ['example'],
    cwd: '/',
    env: {},
    template: null,
    agent: 'generic',
    labels: {},
    taskId: null,
    agentId: null,
    sessionType: null,
    context: {},
    restartPolicy: 'never',
    restarts: 0,
    exitCode: null,
    exitSignal: null,
    pid: null,
    size: { cols: 80, rows: 24 },
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    endedAt: null,
    lastActivityAt: now,
    lastCheckpointAt: null,
    nextRestartAt: null,
    runtime: { backend: 'tmux', tmuxSession: null, paneId: null, panePid: null },
  };
}
