import { open } from 'lmdb';
import type { Interaction, Message, SessdEvent, Session } from '../../shared/protocol/model.js';

/** What a version-1 store was written with, to compare against after a migration. */
export interface Version1Data {
  sessions: Session[];
  messages: Message[];
  interactions: Interaction[];
  /** Whole stored checkpoints (scrollback included), keyed `[session id, seq]` in both versions. */
  checkpoints: Record<string, unknown>[];
  /** One `session.created` per session, then one event of no session. */
  events: SessdEvent[];
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (i: number): string => new Date(T0 + i * 1000).toISOString();

function session(id: string, name: string): Session {
  return {
    id, name, space: 'default', status: 'stopped', activity: 'unknown', command: ['sh'], cwd: '/', env: {},
    template: null, agent: 'shell', labels: {}, taskId: null, agentId: null, sessionType: null, context: {},
    restartPolicy: 'never', restarts: 0, exitCode: 0, exitSignal: null, pid: null, size: { cols: 80, rows: 24 },
    createdAt: at(0), updatedAt: at(0), startedAt: at(0), endedAt: at(1), lastActivityAt: null, lastCheckpointAt: null,
    nextRestartAt: null, runtime: { backend: 'tmux', tmuxSession: null, paneId: null, panePid: null },
  };
}

/**
 * Writes a store exactly as sessd's schema version 1 laid it out (straight through
 * lmdb, with the options `Store.open` uses): `schemaVersion` 1, `sessions` by id,
 * `names` by `[space, name]`, `messages` and `interactions` by their id alone,
 * `checkpoints` by `[session id, seq]`. `perSession` records of each kind per session.
 */
export async function writeVersion1Store(dir: string, sessionCount: number, perSession: number): Promise<Version1Data> {
  const data: Version1Data = { sessions: [], messages: [], interactions: [], checkpoints: [], events: [] };
  for (let s = 0; s < sessionCount; s++) {
    // Ids that share a prefix, so a range that leaked into a neighbour would show.
    const id = `s${String(s).padStart(7, '0')}`;
    data.sessions.push(session(id, `n${s}`));
    data.events.push({ seq: s + 1, time: at(s), type: 'session.created', sessionId: id, data: { name: `n${s}`, env: { EDITOR: 'vim' } } });
    for (let i = 0; i < perSession; i++) {
      const n = s * perSession + i;
      data.messages.push({
        id: `m${String(n).padStart(11, '0')}`, sessionId: id, text: `text ${n}`, submit: true, when: 'idle',
        status: i % 2 === 0 ? 'queued' : 'delivered', createdAt: at(n), deliveredAt: null, expiresAt: at(n + 86_400), error: null,
      });
      data.interactions.push({
        id: `i${String(n).padStart(11, '0')}`, sessionId: id, kind: 'approval', prompt: `allow ${n}?`,
        choices: [{ id: '1', label: 'Yes' }, { id: '2', label: 'No' }], status: i === perSession - 1 ? 'open' : 'resolved',
        response: i === perSession - 1 ? null : '1', createdAt: at(n), resolvedAt: i === perSession - 1 ? null : at(n + 1),
      });
      data.checkpoints.push({
        sessionId: id, seq: i + 1, label: `c${i}`, createdAt: at(n), transcriptOffset: n, git: null, context: {},
        resumePrompt: null, command: ['sh'], cwd: '/', env: {}, scrollback: `screen ${n}\n`,
      });
    }
  }
  const root = open({ path: dir, overlappingSync: false, maxDbs: 16, compression: false });
  const sessions = root.openDB<Session, string>({ name: 'sessions' });
  const names = root.openDB<string, [string, string]>({ name: 'names' });
  const messages = root.openDB<Message, string>({ name: 'messages' });
  const interactions = root.openDB<Interaction, string>({ name: 'interactions' });
  const checkpoints = root.openDB<unknown, [string, number]>({ name: 'checkpoints' });
  const events = root.openDB<SessdEvent, number>({ name: 'events' });
  data.events.push({ seq: sessionCount + 1, time: at(sessionCount), type: 'session.created', sessionId: null, data: {} });
  await root.transaction(() => {
    root.putSync('schemaVersion', 1);
    for (const s of data.sessions) {
      sessions.putSync(s.id, s);
      names.putSync([s.space, s.name], s.id);
    }
    for (const m of data.messages) messages.putSync(m.id, m);
    for (const i of data.interactions) interactions.putSync(i.id, i);
    for (const e of data.events) events.putSync(e.seq, e);
    for (const c of data.checkpoints) checkpoints.putSync([c.sessionId as string, c.seq as number], c);
  });
  await root.close();
  return data;
}
