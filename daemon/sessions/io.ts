import type { Message, Session } from '../../shared/protocol/model.js';
import type { SessionCaptureParams, SessionCaptureResult, SessionSendParams } from '../../shared/protocol/session-io.js';
import { errors } from '../errors.js';
import { onBackend, type SessionContext } from './context.js';
import { toJson } from './create.js';
import { newId } from './naming.js';
import { isLive } from './status.js';

/** Input and screen: `session/send`, `session/keys`, `session/interrupt`, `session/capture`. */
export class SessionIO {
  constructor(private readonly ctx: SessionContext) {}

  async send(session: Session, params: SessionSendParams): Promise<Message> {
    const bytes = Buffer.byteLength(params.text);
    if (bytes > this.ctx.limits.maxMessageBytes) {
      throw errors.limitExceeded('message bytes', this.ctx.limits.maxMessageBytes, bytes);
    }
    if (params.when === 'idle') {
      throw errors.invalidParams('when', '"idle" needs activity detection, which this sessd does not have yet');
    }
    return this.deliver({
      id: newId('m', 11),
      sessionId: session.id,
      text: params.text,
      submit: params.submit ?? true,
      when: 'now',
      status: 'queued',
      createdAt: new Date().toISOString(),
      deliveredAt: null,
      expiresAt: null,
      error: null,
    });
  }

  /** Types a message into its session and records it delivered. */
  deliver(message: Message): Promise<Message> {
    // Input to one session is serialized, so two sends arrive in the order they were made.
    return this.ctx.locks.run(`${message.sessionId}:input`, async () => {
      const current = this.ctx.registry.get(message.sessionId);
      if (current === undefined) throw errors.sessionNotFound(message.sessionId);
      if (!isLive(current.status)) throw errors.invalidState(current, 'send to');
      // Marked where the output stands before it is typed; stored by the time of the reply.
      const recorded = this.ctx.transcripts.input(current.id, message.text, 'text', message.submit);
      await onBackend(current, 'send to', () => this.ctx.backend.sendText(current.id, message.text, message.submit));
      await recorded;
      const delivered: Message = { ...message, status: 'delivered', deliveredAt: new Date().toISOString() };
      await this.ctx.committer.commit({
        messages: [delivered],
        events: [{ type: 'message.delivered', sessionId: current.id, data: toJson(delivered) }],
      });
      return delivered;
    });
  }

  async keys(session: Session, keys: readonly string[]): Promise<Record<string, never>> {
    await this.ctx.locks.run(`${session.id}:input`, async () => {
      const current = this.live(session, 'send keys to');
      const recorded = this.ctx.transcripts.input(current.id, keys.join(' '), 'keys', false);
      await onBackend(current, 'send keys to', () => this.ctx.backend.sendKeys(current.id, keys));
      await recorded;
    });
    return {};
  }

  interrupt(session: Session): Promise<Record<string, never>> {
    return this.keys(session, ['C-c']);
  }

  async capture(session: Session, params: SessionCaptureParams): Promise<SessionCaptureResult> {
    const current = this.ctx.registry.get(session.id) ?? session;
    if (current.runtime.tmuxSession === null) {
      throw errors.invalidState(current, 'capture', 'it has no screen');
    }
    return onBackend(current, 'capture', () => this.ctx.backend.capture(current.id, { lines: params.lines, ansi: params.ansi }));
  }

  private live(session: Session, action: string): Session {
    const current = this.ctx.registry.get(session.id);
    if (current === undefined) throw errors.sessionNotFound(session.id);
    if (!isLive(current.status)) throw errors.invalidState(current, action);
    return current;
  }
}
