import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointListRequest,
  InitializeRequest,
  PROTOCOL_VERSION,
  SessionCreateRequest,
  SessionGetRequest,
} from '../../shared/protocol/index.js';
import { REPO, tmux } from '../helpers/daemon.js';
import { useDaemon } from '../helpers/harness.js';
import { describeRun, runNvim } from '../helpers/nvim.js';
import { Wakeable } from '../helpers/wait.js';

const h = useDaemon();

/** What the test programs report over a unix socket, one JSON object a line. */
interface Report {
  type: string;
  text?: string;
}
const reports: Report[] = [];
const reported = new Wakeable();
let reportServer: Server;
let reportPath: string;
const reporters = new Set<Socket>();

beforeAll(async () => {
  reportPath = join(h.dir, 'report.sock');
  reportServer = createServer((socket) => {
    reporters.add(socket);
    socket.once('close', () => reporters.delete(socket));
    createInterface({ input: socket }).on('line', (line) => {
      reports.push(JSON.parse(line) as Report);
      reported.wake();
    });
  });
  await new Promise<void>((resolve) => reportServer.listen(reportPath, resolve));
});

afterAll(async () => {
  for (const socket of reporters) socket.destroy();
  await new Promise<void>((resolve) => reportServer.close(() => resolve()));
});

/** Waits for the next report past `seen` that matches, and returns its index. */
function nextReport(after: number, match: (r: Report) => boolean, what: string): Promise<number> {
  return reported.until(
    () => {
      const i = reports.findIndex((r, index) => index > after && match(r));
      return i === -1 ? undefined : i;
    },
    () => `${what}; reports: ${JSON.stringify(reports)}`,
  );
}

/** The pids of the tmux clients attached to the private server. */
async function tmuxClients(): Promise<number[]> {
  return (await tmux(h.paths.tmuxSocket, 'list-clients', '-F', '#{client_pid}')).split('\n').filter(Boolean).map(Number);
}

describe('the Neovim plugin against a real sessd', () => {
  it('lists, creates (quoted, with its environment), sends, attaches, interrupts, checkpoints, stops, restores, deletes, notifies waiting, and reconnects by itself', async () => {
    await h.createShell({ name: 'pre' });
    const env = { SESSD_SOCKET: h.paths.socket };
    let reporterId = '';
    let seen = -1;
    const run = await runNvim('scenario.lua', {
      dir: h.dir,
      env,
      onStep: async (step, data) => {
        switch (step) {
          case 'start':
            return { node: process.execPath, fixture: join(REPO, 'test', 'fixtures', 'input-reporter.mjs'), report: reportPath };
          case 'listed':
            // Made by another client: the list learns of it from events alone.
            await h.createShell({ name: 'made', space: 'outside' });
            return null;
          case 'created': {
            reporterId = data.id as string;
            const session = await h.client.request(SessionGetRequest, { session: 'reporter' });
            expect(session).toMatchObject({ id: reporterId, status: 'running', cwd: h.dir });
            expect(session.command).toEqual([process.execPath, expect.stringContaining('input-reporter.mjs'), reportPath]);
            seen = await nextReport(seen, (r) => r.type === 'ready', 'the reporter to start');
            await h.waitForScreen(session, (screen) => screen.includes('ready>'));
            return null;
          }
          case 'sent-argument':
          case 'sent-selection':
            seen = await nextReport(seen, (r) => r.type === 'line', `the line ${JSON.stringify(data.text)}`);
            expect(reports[seen]!.text).toBe(data.text);
            return null;
          case 'attached':
            expect(await tmuxClients()).toContain(data.pid);
            return null;
          case 'detached':
            // The daemon's own control clients stay; the terminal's client is gone.
            expect(await tmuxClients()).not.toContain(data.pid);
            return null;
          case 'interrupted':
            seen = await nextReport(seen, (r) => r.type === 'interrupt', 'the interrupt');
            return null;
          case 'checkpointed': {
            const { checkpoints } = await h.client.request(CheckpointListRequest, { session: reporterId });
            expect(checkpoints.map((c) => [c.seq, c.label])).toEqual([[1, data.label]]);
            return null;
          }
          case 'done':
            expect((await h.client.request(SessionGetRequest, { session: 'pre' })).status).toBe('stopped');
            return null;
          case 'quoted': {
            const quoted = await h.client.request(SessionGetRequest, { session: 'quoted' });
            expect(quoted.command).toEqual(['sh', '-c', 'echo "$QUOTED_FOO" "a  b"; exec sleep 1000']);
            expect(quoted.env).toMatchObject({ QUOTED_FOO: 'from-nvim' });
            expect(quoted.env.VIMRUNTIME).toBeUndefined();
            await h.waitForScreen(quoted, (screen) => screen.includes('from-nvim a  b'));
            return null;
          }
          case 'daemon-stopped':
            await h.daemon.stop();
            return null;
          case 'daemon-restarted':
            await h.restart();
            return null;
          default:
            throw new Error(`unknown step ${step}`);
        }
      },
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    expect(run.steps).toEqual([
      'start', 'listed', 'created', 'sent-argument', 'sent-selection', 'sent-selection',
      'attached', 'detached', 'interrupted', 'checkpointed', 'done', 'quoted', 'daemon-stopped', 'daemon-restarted',
    ]);
  });

  it('notifies when a real session starts waiting, and approves it', async (ctx) => {
    const probe = await h.connect({ initialize: false });
    const hello = { clientName: 'nvim-test', clientVersion: '1', protocolVersion: PROTOCOL_VERSION };
    const { capabilities } = await probe.request(InitializeRequest, hello);
    // Activity detection (issue 4) comes with session/approve; until this sessd has it,
    // no session.activity event is ever emitted and this test cannot run.
    if (!capabilities.methods.includes('session/approve')) {
      ctx.skip('sessd does not emit session.activity yet (agent awareness, issue 4): the notification is tested on the event path above');
    }
    let seen = reports.length - 1;
    const run = await runNvim('waiting.lua', {
      dir: h.dir,
      env: { SESSD_SOCKET: h.paths.socket },
      onStep: async (step) => {
        if (step === 'listening') {
          await h.client.request(SessionCreateRequest, {
            name: 'asker',
            agent: 'claude',
            cwd: h.dir,
            command: [process.execPath, join(REPO, 'test', 'fixtures', 'approval-prompt.mjs'), reportPath],
          });
        } else if (step === 'approved') {
          seen = await nextReport(seen, (r) => r.type === 'answer', 'the answer to the prompt');
          expect(reports[seen]!.text).not.toBe('');
        }
        return null;
      },
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    expect(run.steps).toEqual(['listening', 'approved']);
  });
});
