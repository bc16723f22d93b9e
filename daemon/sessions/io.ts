import type { Interaction, Message, Session } from '../../shared/protocol/model.js';
import type { SessionCaptureParams, SessionCaptureResult, SessionSendParams } from '../../shared/protocol/session-io.js';
import { errors } from '../errors.js';
import { onBackend, type SessionContext } from './context.js';
import { toJson } from './create.js';
import { newId } from './naming.js';
import { STARTING_READY_MS, type Readiness } from './readiness.js';
import { isLive } from './status.js';
import { pasteThenEnter } from './submit.js';

/** How long a send to a waiting session waits for its question's interaction to be recorded (it follows the activity). */
const QUESTION_RECORDED_MS = 1_000;

/** What the input path asks of activity tracking. */
export interface ActivityInput {
  activity(sessionId: string): string;
  /** Input went in: read the screen soon even if nothing prints. */
  poke(sessionId: string): void;
  /** The session's open interaction (a question on its screen), if any. */
  openInteraction(sessionId: string): Interaction | undefined;
  /** Resolves once what the session's screen shows is recorded (at most `ms` for its first reading). */
  settled(sessionId: string, ms: number): Promise<void>;
  /** How its profile says a message is submitted. */
  submitStyle(sessionId: string): 'keys' | 'paste-then-enter';
}

/** Input and screen: `session/send`, `session/keys`, `session/interrupt`, `session/capture`. */
export class SessionIO {
  constructor(
    private readonly ctx: SessionContext,
    private readonly readiness: Readiness,
    private readonly activity: ActivityInput,
  ) {}

  /** Checks a message's size (for `now` and `idle` alike). */
  checkSize(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (bytes > this.ctx.limits.maxMessageBytes) {
      throw errors.limitExceeded('message bytes', this.ctx.limits.maxMessageBytes, bytes);
    }
  }

  /**
   * `when: "now"`: typed at once, except into a program that is still starting: that
   * first waits until the program is ready, so that no keystroke is lost to a program
   * that does not read yet. A program that shows a question (a trust dialog, an
   * approval) does not take the text as its answer: that is refused unless `force`.
   */
  async send(session: Session, params: SessionSendParams): Promise<Message> {
    this.checkSize(params.text);
    await this.readiness.startedReady(session.id, STARTING_READY_MS);
    if (params.force !== true) {
      let open = this.activity.openInteraction(session.id);
      if (open === undefined && this.activity.activity(session.id) === 'waiting') {
        await this.activity.settled(session.id, QUESTION_RECORDED_MS);
        open = this.activity.openInteraction(session.id);
      }
      if (open !== undefined || this.activity.activity(session.id) === 'waiting') {
        throw errors.waitingForAnswer(this.ctx.registry.get(session.id) ?? session, open ?? null);
      }
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
  async deliver(message: Message): Promise<Message> {
    // Input to one session is serialized, so two sends arrive in the order they were made;
    // what is recorded of it is written meanwhile, and stored by the time of the reply.
    const { recorded, current } = await this.ctx.locks.run(`${message.sessionId}:input`, async () => {
      const current = this.ctx.registry.get(message.sessionId);
      if (current === undefined) throw errors.sessionNotFound(message.sessionId);
      if (!isLive(current.status)) throw errors.invalidState(current, 'send to');
      // Marked where the output stands before it is typed.
      const recorded = this.ctx.transcripts.input(current.id, message.text, 'text', message.submit);
      await onBackend(current, 'send to', () => this.type(current.id, message.text, message.submit));
      this.activity.poke(current.id);
      return { recorded, current };
    });
    const delivered: Message = { ...message, status: 'delivered', deliveredAt: new Date().toISOString() };
    await Promise.all([
      recorded,
      this.ctx.committer.commit({
        messages: [delivered],
        events: [{ type: 'message.delivered', sessionId: current.id, data: toJson(delivered) }],
      }),
    ]);
    return delivered;
  }

  /** Types an answer to a program's prompt, recorded as input. */
  async answer(sessionId: string, answer: { keys: string[] } | { text: string; submit: boolean }): Promise<void> {
    const session = this.ctx.registry.get(sessionId);
    if (session === undefined) throw errors.sessionNotFound(sessionId);
    if ('keys' in answer) await this.keys(session, answer.keys);
    else {
      await this.ctx.locks.run(`${sessionId}:input`, async () => {
        const current = this.live(session, 'answer');
        const recorded = this.ctx.transcripts.input(current.id, answer.text, 'text', answer.submit);
        await onBackend(current, 'answer', () => this.type(current.id, answer.text, answer.submit));
        this.activity.poke(current.id);
        await recorded;
      });
    }
  }

  async keys(session: Session, keys: readonly string[]): Promise<Record<string, never>> {
    await this.ctx.locks.run(`${session.id}:input`, async () => {
      const current = this.live(session, 'send keys to');
      const recorded = this.ctx.transcripts.input(current.id, keys.join(' '), 'keys', false);
      await onBackend(current, 'send keys to', () => this.ctx.backend.sendKeys(current.id, keys));
      this.activity.poke(current.id);
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

  /** Types text the way the session's profile submits it. */
  private type(id: string, text: string, submit: boolean): Promise<void> {
    if (submit && this.activity.submitStyle(id) === 'paste-then-enter') return pasteThenEnter(this.ctx, id, text);
    return this.ctx.backend.sendText(id, text, submit);
  }

  private live(session: Session, action: string): Session {
    const current = this.ctx.registry.get(session.id);
    if (current === undefined) throw errors.sessionNotFound(session.id);
    if (!isLive(current.status)) throw errors.invalidState(current, action);
    return current;
  }
}
