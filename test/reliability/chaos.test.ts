import { ResponseError } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import {
  EventsSubscribeRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionRestoreRequest,
  SessionSendRequest,
  type Session,
} from '../../shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { tmux } from '../helpers/daemon.js';
import { SHELL, SHELL_ENV, useDaemon } from '../helpers/harness.js';
import { figure, mib, rssOf, runSeed, seeded } from './figures.js';
import { Ledger } from './ledger.js';

/** Kill -9 rounds (the issue asks for at least 20). */
const ROUNDS = Number(process.env.SESSD_CHAOS_ROUNDS ?? 20);
const CLIENTS = 3;
/** A round's kill comes after between 1 and this many acknowledged operations. */
const MAX_ACKS_BEFORE_KILL = 24;
/** Past this many sessions the workload stops creating, so a run's cost stays flat. */
const MAX_SESSIONS = 40;
const T = 'chaos';

const h = useDaemon();

describe('kill -9 at random moments under a mixed workload', () => {
  it(`keeps every acknowledged session, message (with its input mark) and checkpoint, and every event seen live, over ${ROUNDS} rounds, and adopts every live tmux session`, async () => {
    const random = seeded(runSeed(T));
    const pick = <X>(items: readonly X[]): X | undefined => items[Math.floor(random() * items.length)];
    const ledger = new Ledger();
    const live: string[] = [];
    const withPrompt: string[] = []; // sessions with a checkpoint that carries a resume prompt
    let serial = 0;
    let idleSends: boolean | undefined;
    const totals = { acks: 0, inFlightAtKill: 0, unmanaged: 0, unacknowledged: 0, adopted: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const clients: TestClient[] = [h.client, ...(await Promise.all(Array.from({ length: CLIENTS - 1 }, () => h.connect())))];
      if (round > 0) {
        const seen = await ledger.verify(h.client, h.paths.tmuxSocket);
        totals.unmanaged = seen.unmanaged.length;
        totals.unacknowledged = seen.unacknowledged;
        totals.adopted += seen.sessions.filter((s) => s.status === 'running').length;
      } else {
        await h.client.request(EventsSubscribeRequest, {});
      }
      // Events published from here to the kill (the verify's subscription stays live).
      const liveFrom = h.client.events.length;
      const killAfter = 1 + Math.floor(random() * MAX_ACKS_BEFORE_KILL);
      let acks = 0;
      let inFlight = 0;
      let killing = false;
      const unexpected: unknown[] = [];
      let resolveKilled!: () => void;
      const killed = new Promise<void>((resolve) => (resolveKilled = resolve));
      const daemon = h.daemon;

      const ack = (): void => {
        acks++;
        if (acks === killAfter && !killing) {
          killing = true;
          totals.inFlightAtKill += inFlight - 1;
          // A random number of event-loop turns more, so the kill lands at any point of the requests in flight.
          const turns = Math.floor(random() * 4);
          const kill = (left: number): void => {
            if (left > 0) {
              setImmediate(() => kill(left - 1));
              return;
            }
            void daemon.kill9().then(resolveKilled);
          };
          kill(turns);
        }
      };

      const operation = async (client: TestClient): Promise<void> => {
        const roll = random();
        const target = pick(live);
        if (target === undefined || (roll < 0.2 && live.length < MAX_SESSIONS)) {
          const name = `c${serial++}`;
          const s = await client.request(SessionCreateRequest, { name, command: SHELL, cwd: h.dir, env: SHELL_ENV });
          if (killing) return;
          ledger.sessions.set(s.id, { labels: {} });
          live.push(s.id);
        } else if (roll < 0.45) {
          const text = `echo sent-${serial++}`;
          const m = await client.request(SessionSendRequest, { session: target, text });
          if (killing) return;
          ledger.delivered.set(m.id, m.sessionId);
          ledger.typed(m.sessionId, text);
        } else if (roll < 0.6 && idleSends !== false) {
          try {
            const m = await client.request(SessionSendRequest, { session: target, text: `echo queued-${serial++}`, when: 'idle' });
            idleSends = true;
            if (killing) return;
            ledger.queued.set(m.id, m.sessionId);
          } catch (error) {
            if (!(error instanceof ResponseError) || (error.data as { field?: string } | undefined)?.field !== 'when') throw error;
            idleSends = false; // this sessd cannot queue by activity yet; queued messages come from resume prompts
          }
        } else if (roll < 0.85) {
          const label = `l${serial++}`;
          const c = await client.request(SessionCheckpointRequest, { session: target, label, resumePrompt: `echo resumed-${label}` });
          if (killing) return;
          ledger.checkpoint(target, c.seq, label);
          withPrompt.push(target);
        } else {
          const from = pick(withPrompt);
          if (from === undefined || live.length >= MAX_SESSIONS) return;
          const [seq, label] = [...ledger.checkpoints.get(from)!].at(-1)!;
          const s: Session = await client.request(SessionRestoreRequest, { session: from, seq, name: `r${serial++}` });
          if (killing) return;
          ledger.sessions.set(s.id, { labels: {} });
          ledger.resumePrompts.set(s.id, `echo resumed-${label}`);
          live.push(s.id);
        }
        ack();
      };

      const worker = async (client: TestClient): Promise<void> => {
        while (!killing) {
          inFlight++;
          try {
            await operation(client);
          } catch (error) {
            // Once the kill is under way, a request may fail in any way a dead peer causes.
            if (!killing) unexpected.push(error);
          } finally {
            inFlight--;
          }
          if (unexpected.length > 0) {
            killing = true;
            void daemon.kill9().then(resolveKilled);
          }
        }
      };
      const workers = Promise.all(clients.map(worker));
      await killed;
      ledger.sawLive(h.client.events.slice(liveFrom));
      // Requests the dead daemon never answered are settled by closing their connections.
      for (const c of clients) c.close();
      await workers;
      expect(unexpected).toEqual([]);
      totals.acks += acks;
      await h.restart();
    }
    const seen = await ledger.verify(h.client, h.paths.tmuxSocket);
    totals.adopted += seen.sessions.filter((s) => s.status === 'running').length;
    // Tmux sessions of creates that were never acknowledged are reported, never killed; the test tidies them.
    for (const name of seen.unmanaged) await tmux(h.paths.tmuxSocket, 'kill-session', '-t', `=${name}`);

    figure(T, 'kill -9 rounds', ROUNDS);
    figure(T, 'clients', CLIENTS);
    figure(T, 'acknowledged operations', totals.acks);
    figure(T, 'requests in flight at the kills', totals.inFlightAtKill);
    figure(T, 'acknowledged sessions kept', [...ledger.sessions.keys()].filter((id) => !ledger.deleted.has(id)).length);
    figure(T, 'acknowledged checkpoints kept', [...ledger.checkpoints.values()].reduce((n, m) => n + m.size, 0));
    figure(T, 'acknowledged messages kept (delivered / queued by idle / resume prompts)', `${ledger.delivered.size} / ${ledger.queued.size} / ${ledger.resumePrompts.size}`);
    figure(T, 'session/send when:idle', idleSends === true ? 'used' : 'not supported by this sessd; queued messages came from resume prompts');
    figure(T, 'sessions adopted across restarts', totals.adopted);
    figure(T, 'sessions committed whose create reply was lost to a kill', seen.unacknowledged);
    figure(T, 'tmux sessions of unacknowledged creates, reported as unmanaged', seen.unmanaged.length);
    figure(T, 'daemon RSS at the end', mib(rssOf(h.daemon.pid)), 'MiB');
  });
});
