import type { Logger } from 'pino';
import type { Message, Session } from '../../shared/protocol/model.js';
import type { ActivityTracker } from '../activity/tracker.js';
import type { SessionRecords } from '../store/records.js';
import { errors } from '../errors.js';
import type { Committer } from './commit.js';
import type { SessionLimits } from './helpers.js';
import type { SessionRegistry } from './registry.js';
import { toJson } from './create.js';
import type { SessionIO } from './io.js';
import type { SessionLifecycle } from './lifecycle.js';
import { newId } from './naming.js';

/** A queued message with no expiry gives up after this long. */
export const QUEUED_MESSAGE_TTL_MS = 24 * 3_600_000;

interface SessionQueue {
  /** Oldest first. */
  messages: Message[];
  delivering: boolean;
  /** The idle epoch in which the last message was typed: the next waits for a later one. */
  deliveredIn: number;
}

/** What the queue records with. */
export interface QueueDeps {
  registry: SessionRegistry;
  committer: Committer;
  limits: Pick<SessionLimits, 'maxQueuedMessages'>;
}

/**
 * Messages sent `when: "idle"`: stored as `queued` before the caller hears of them,
 * then typed one at a time, in order, each the next time the session is idle (after
 * the previous one's delivery, the session must go busy and come back to idle).
 * `expired` when their time runs out first; a session that ends keeps its queue
 * until it runs again (a restart policy, a restore). Queued messages outlive the
 * daemon: they are loaded again at start.
 */
export class MessageQueue {
  private readonly queues = new Map<string, SessionQueue>();
  private readonly expiries = new Map<string, NodeJS.Timeout>();
  private readonly offs: (() => void)[];
  /** Messages being committed per session: counted against the limit, so concurrent sends cannot pass it together. */
  private readonly committing = new Map<string, number>();

  constructor(
    private readonly deps: QueueDeps,
    private readonly io: Pick<SessionIO, 'deliver'>,
    private readonly activity: Pick<ActivityTracker, 'onChange' | 'activity' | 'idleEpoch' | 'inputEpoch'>,
    lifecycle: Pick<SessionLifecycle, 'onDeleting'>,
    /** Every message, by session. */
    private readonly stored: SessionRecords<Message>,
    private readonly log: Logger,
  ) {
    this.offs = [
      activity.onChange((session) => {
        if (session.activity === 'idle') this.kick(session.id);
      }),
      lifecycle.onDeleting((id) => this.forget(id)),
    ];
  }

  async enqueue(session: Session, text: string, options: { submit: boolean; expiresInMs?: number | undefined }): Promise<Message> {
    const queued = (this.queues.get(session.id)?.messages.length ?? 0) + (this.committing.get(session.id) ?? 0);
    if (queued >= this.deps.limits.maxQueuedMessages) {
      throw errors.limitExceeded('queuedMessages', this.deps.limits.maxQueuedMessages, queued + 1);
    }
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
      expiresAt: new Date(now + (options.expiresInMs ?? QUEUED_MESSAGE_TTL_MS)).toISOString(),
      error: null,
    };
    this.committing.set(session.id, (this.committing.get(session.id) ?? 0) + 1);
    try {
      await this.deps.committer.commit({
        messages: [message],
        events: [{ type: 'message.queued', sessionId: session.id, data: toJson(message) }],
      });
    } finally {
      const left = this.committing.get(session.id)! - 1;
      if (left === 0) this.committing.delete(session.id);
      else this.committing.set(session.id, left);
    }
    this.add(message);
    this.kick(session.id);
    return message;
  }

  /** Withdraws a queued message before it is typed (message/cancel). */
  async cancel(id: string): Promise<Message> {
    const message = this.stored.get(id);
    if (message === undefined) throw errors.messageNotFound(id);
    const queue = this.queues.get(message.sessionId);
    const waiting = queue?.messages.find((m) => m.id === id);
    if (waiting === undefined || message.status !== 'queued') throw errors.messageNotQueued(id, message.status === 'queued' ? 'being typed' : message.status);
    queue!.messages.splice(queue!.messages.indexOf(waiting), 1);
    clearTimeout(this.expiries.get(id));
    this.expiries.delete(id);
    return this.end(waiting, 'cancelled', 'cancelled before it was typed');
  }

  /** Loads every message left queued by an earlier daemon. */
  rearm(): void {
    const left = this.stored.all().filter((m) => m.status === 'queued' && !this.expiries.has(m.id));
    for (const message of left.sort(byAge)) this.add(message);
    for (const id of this.queues.keys()) this.kick(id);
  }

  /** Stops waiting for a session's messages, recording nothing (it is being deleted). */
  private forget(sessionId: string): void {
    for (const message of this.queues.get(sessionId)?.messages ?? []) {
      clearTimeout(this.expiries.get(message.id));
      this.expiries.delete(message.id);
    }
    this.queues.delete(sessionId);
  }

  dispose(): void {
    for (const off of this.offs) off();
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    this.queues.clear();
  }

  private add(message: Message): void {
    let queue = this.queues.get(message.sessionId);
    if (queue === undefined) {
      queue = { messages: [], delivering: false, deliveredIn: -1 };
      this.queues.set(message.sessionId, queue);
    }
    queue.messages.push(message);
    const expiry = setTimeout(() => void this.expire(message), Math.max(0, Date.parse(message.expiresAt!) - Date.now()));
    this.expiries.set(message.id, expiry);
  }

  /** Types the next message if the session is idle, and has been idle again since the last one. */
  private kick(sessionId: string): void {
    const queue = this.queues.get(sessionId);
    if (queue === undefined || queue.delivering || queue.messages.length === 0) return;
    if (this.activity.activity(sessionId) !== 'idle') return;
    // Idle again since the last input of any kind (this queue's, a send, keys, an answer).
    const epoch = this.activity.idleEpoch(sessionId);
    if (epoch <= queue.deliveredIn || epoch <= this.activity.inputEpoch(sessionId)) return;
    const message = queue.messages.shift()!;
    clearTimeout(this.expiries.get(message.id));
    this.expiries.delete(message.id);
    queue.delivering = true;
    queue.deliveredIn = epoch;
    this.log.debug({ message: message.id, session: sessionId }, 'session idle: typing a queued message');
    void this.io
      .deliver(message)
      .catch(async (error: unknown) => {
        this.log.warn({ err: error, message: message.id }, 'delivering a queued message failed');
        await this.end(message, 'failed', (error as Error).message);
      })
      .catch((error: unknown) => this.log.warn({ err: error, message: message.id }, 'cannot record a failed message'))
      .finally(() => {
        queue.delivering = false;
        if (queue.messages.length === 0 && this.queues.get(sessionId) === queue) this.queues.delete(sessionId);
        else this.kick(sessionId);
      });
  }

  private async expire(message: Message): Promise<void> {
    this.expiries.delete(message.id);
    const queue = this.queues.get(message.sessionId);
    if (queue === undefined || !queue.messages.includes(message)) return;
    queue.messages.splice(queue.messages.indexOf(message), 1);
    await this.end(message, 'expired', 'the session was not idle before the message expired').catch((error: unknown) =>
      this.log.warn({ err: error, message: message.id }, 'cannot record an expired message'),
    );
  }

  private async end(message: Message, status: 'failed' | 'expired' | 'cancelled', why: string): Promise<Message> {
    const ended: Message = { ...message, status, error: why };
    if (this.deps.registry.get(message.sessionId) === undefined) return ended; // deleted meanwhile, with its messages
    await this.deps.committer.commit({
      messages: [ended],
      // An expired or cancelled message is reported as failed; its status says which.
      events: [{ type: 'message.failed', sessionId: message.sessionId, data: toJson(ended) }],
    });
    return ended;
  }
}

function byAge(a: Message, b: Message): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
