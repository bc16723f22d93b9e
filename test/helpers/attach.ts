import { readdirSync, readlinkSync } from 'node:fs';
import { expect } from 'vitest';
import {
  AttachClosedNotification,
  AttachInputRequest,
  AttachOutputNotification,
  SessionAttachRequest,
  type AttachClosedParams,
  type AttachOutputParams,
} from '../../shared/protocol/attach.js';
import type { TestClient } from './client.js';
import { tmux, type TestDaemon } from './daemon.js';
import { Wakeable } from './wait.js';

/** Terminal escapes removed: what a person would read in the output. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMNOZc]/g, '');
}

/**
 * One `session/attach` seen from its client: every `attach/output` (checked to come
 * in `seq` order with no gap) and the `attach/closed` reason.
 */
export class TestAttach {
  output = '';
  bytes = 0;
  closed: AttachClosedParams['reason'] | undefined;
  private nextSeq = 0;
  private readonly changes = new Wakeable();
  private readonly early: (AttachOutputParams | AttachClosedParams)[] = [];
  private id: string | undefined;

  private constructor(readonly client: TestClient) {
    client.rpc.onNotification(AttachOutputNotification.method, (p: AttachOutputParams) => this.take(p));
    client.rpc.onNotification(AttachClosedNotification.method, (p: AttachClosedParams) => this.take(p));
    client.rpc.onClose(() => this.changes.wake());
  }

  static async open(client: TestClient, session: string, cols: number, rows: number, readOnly = false): Promise<TestAttach> {
    const attach = new TestAttach(client);
    attach.id = (await client.request(SessionAttachRequest, { session, cols, rows, ...(readOnly ? { readOnly } : {}) })).attachId;
    for (const p of attach.early.splice(0)) attach.take(p);
    return attach;
  }

  get attachId(): string {
    return this.id!;
  }

  input(data: string): Promise<unknown> {
    return this.client.request(AttachInputRequest, { attachId: this.attachId, data });
  }

  /** Waits until the output, escapes removed, contains `text`. */
  waitFor(text: string): Promise<true> {
    return this.changes.until(
      () => (plain(this.output).includes(text) ? true : undefined),
      () => `${this.attachId} never showed ${JSON.stringify(text)}; last output: ${JSON.stringify(plain(this.output).slice(-300))}`,
    );
  }

  waitClosed(): Promise<AttachClosedParams['reason']> {
    return this.changes.until(
      () => this.closed,
      () => `${this.attachId} was not closed`,
    );
  }

  private take(p: AttachOutputParams | AttachClosedParams): void {
    if (this.id === undefined) {
      this.early.push(p);
      return;
    }
    if (p.attachId !== this.id) return;
    if ('reason' in p) {
      this.closed = p.reason;
    } else {
      expect(p.seq, 'attach/output seq has no gap').toBe(this.nextSeq);
      this.nextSeq = p.seq + 1;
      // Only the recent screen matters to a test; the count shows how much came.
      this.output = (this.output + p.data).slice(-64 * 1024);
      this.bytes += p.data.length;
    }
    this.changes.wake();
  }
}

/** The pid of an attach's tmux client, from the daemon's log. */
export async function attachPid(daemon: TestDaemon, attachId: string): Promise<number> {
  const line = await daemon.waitForLog((l) => l.msg === 'attached' && l.attach === attachId);
  return line.pid as number;
}

export interface TmuxClient {
  pid: number;
  width: number;
  height: number;
  readOnly: boolean;
  session: string;
}

/** `tmux list-clients` on the private server, without sessd's own control clients. */
export async function tmuxClients(socket: string): Promise<TmuxClient[]> {
  const out = await tmux(socket, 'list-clients', '-F', '#{client_pid} #{client_width} #{client_height} #{client_readonly} #{client_control_mode} #{session_name}');
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .filter(([, , , , control]) => control === '0')
    .map(([pid, width, height, readOnly, , session]) => ({
      pid: Number(pid),
      width: Number(width),
      height: Number(height),
      readOnly: readOnly === '1',
      session: session!,
    }));
}

/** Pseudo-terminals the process holds open (node-pty's masters). */
export function ptyCount(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === '/dev/ptmx') count++;
    } catch {
      continue; // closed while we looked
    }
  }
  return count;
}
