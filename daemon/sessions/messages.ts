import type { Database } from 'lmdb';
import type { Logger } from 'pino';
import type { Message, Session } from '../../shared/protocol/model.js';
import type { SessionContext } from './context.js';
import { toJson } from './create.js';
import type { SessionIO } from './io.js';
import { newId } from './naming.js';
import { whenReady } from './readiness.js';
import { isLive } from './status.js';

/** A queued message with no expiry gives up after this long without its program becoming ready. */
export const QUEUED_MESSAGE_TTL_MS = 24 * 3_600_000;

export interface QueueOptions {
  submit: boolean;
  expiresInMs?: number | undefined;
  /** Transcript offset from which the program's output counts (a restored program's start). */
  from?: number | undefined;
  /** Output up to this text is not the program's (a restored session's preface). */
  after?: string | undefined;
}

/**
 * Messages that wait for their program to be ready (`when: "idle"`): stored as
 * `queued` before the caller hears of them, typed once the program is ready, then
 * `delivered`; `expired` when it is not ready in time, `failed` when the session
 * ends first. Queued messages outlive the daemon: they are armed again at start.
 */
export class MessageQueue {
  private readonly waiting = new Map<string, AbortController>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly io: SessionIO,
    private readonly stored: Database<Message, string>,
    private readonly log: Logger,
  ) {}

  async enqueue(session: Session, text: string, options: QueueOptions): Promise<Message> {
    const now = Date.now();
    const message: Message = {
      id: newId('m', 11),
      sessionId: session.id,
      text,
      submit: options.submit,
      when: 'idle',
      status: 'queued',
      createdAt: new Date(now).toISOString(),
      deliveredAt: null,
      expiresAt: options.expiresInMs === undefined ? null : new Date(now + options.expiresInMs).toISOString(),
      error: null,
    };
    await this.ctx.committer.commit({
      messages: [message],
      events: [{ type: 'message.queued', sessionId: session.id, data: toJson(message) }],
    });
    this.arm(message, options.from ?? this.ctx.transcripts.end(session.id), options.after);
    return message;
  }

  /** Arms every message left queued by an earlier daemon. */
  rearm(): void {
    for (const { value } of this.stored.getRange()) {
      if (value.status === 'queued' && !this.waiting.has(value.id)) this.arm(value, this.ctx.transcripts.end(value.sessionId), undefined);
    }
  }

  /** Ends the waits of a session's messages: they fail with `reason` (the session stopped, or is gone). */
  async cancel(sessionId: string, reason: string): Promise<void> {
    const ended: Message[] = [];
    for (const { value } of this.stored.getRange()) {
      if (value.sessionId !== sessionId || value.status !== 'queued') continue;
      this.waiting.get(value.id)?.abort();
      this.waiting.delete(value.id);
      ended.push({ ...value, status: 'failed', error: reason });
    }
    if (ended.length === 0) return;
    await this.ctx.committer.commit({
      messages: ended,
      events: ended.map((m) => ({ type: 'message.failed' as const, sessionId, data: toJson(m) })),
    });
  }

  /** Stops waiting for a session's messages, recording nothing (it is being deleted). */
  forget(sessionId: string): void {
    for (const { value } of this.stored.getRange()) {
      if (value.sessionId !== sessionId) continue;
      this.waiting.get(value.id)?.abort();
      this.waiting.delete(value.id);
    }
  }

  /** Ids of a session's stored messages (to remove them with it). */
  storedIds(sessionId: string): string[] {
    const ids: string[] = [];
    for (const { key, value } of this.stored.getRange()) if (value.sessionId === sessionId) ids.push(key);
    return ids;
  }

  dispose(): void {
    for (const controller of this.waiting.values()) controller.abort();
    this.waiting.clear();
  }

  private arm(message: Message, from: number, after: string | undefined): void {
    const controller = new AbortController();
    this.waiting.set(message.id, controller);
    const deadline = message.expiresAt === null ? Date.parse(message.createdAt) + QUEUED_MESSAGE_TTL_MS : Date.parse(message.expiresAt);
    void whenReady(this.ctx.transcripts, message.sessionId, { from, after, deadline, signal: controller.signal })
      .then(async (ready) => {
        if (controller.signal.aborted) return;
        this.waiting.delete(message.id);
        const current = this.ctx.registry.get(message.sessionId);
        if (!ready || current === undefined || !isLive(current.status)) {
          const why = ready ? 'the session is no longer running' : 'the program was not ready before the message expired';
          const ended: Message = { ...message, status: ready ? 'failed' : 'expired', error: why };
          await this.ctx.committer.commit({
            messages: [ended],
            // An expired message is reported as failed; its status says which.
            events: [{ type: 'message.failed', sessionId: message.sessionId, data: toJson(ended) }],
          });
          return;
        }
        this.log.debug({ message: message.id, session: message.sessionId }, 'program ready: typing a queued message');
        await this.io.deliver(message);
      })
      .catch((error: unknown) => this.log.warn({ err: error, message: message.id }, 'delivering a queued message failed'));
  }
}
