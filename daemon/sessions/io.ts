import type { Interaction, Message, Session } from '../../shared/protocol/model.js';
import type { SessionCaptureParams, SessionCaptureResult, SessionSendParams } from '../../shared/protocol/session-io.js';
import { errors } from '../errors.js';
import type { SessionBackend } from '../backend/backend.js';
import type { TranscriptService } from '../transcripts/service.js';
import type { PendingMark } from '../transcripts/state.js';
import type { Committer } from './commit.js';
import type { DeliveryGate } from './delivery-gate.js';
import { onBackend, type SessionLimits } from './helpers.js';
import type { KeyedLock } from './lock.js';
import type { SessionRegistry } from './registry.js';
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
  poke(sessionId: string, submitted?: boolean): void;
  /** Resolves once what the session's screen shows is recorded (at most `ms` for its first reading). */
  settled(sessionId: string, ms: number): Promise<void>;
  /** How its profile says a message is submitted. */
  submitStyle(sessionId: string): 'keys' | 'paste-then-enter';
}

/** The questions sessions' programs show (Interactions). */
export interface OpenQuestions {
  openOf(sessionId: string): Interaction | undefined;
}

/** What the input path types with and records to. */
export interface IODeps {
  registry: SessionRegistry;
  committer: Committer;
  backend: SessionBackend;
  transcripts: Pick<TranscriptService, 'input' | 'inputMark' | 'inputSettled' | 'onOutput'>;
  locks: KeyedLock;
  limits: Pick<SessionLimits, 'maxMessageBytes'>;
  /** Holds the session's activity events until a delivery's own event is committed. */
  deliveries: Pick<DeliveryGate, 'hold'>;
}

/** Input and screen: `session/send`, `session/keys`, `session/interrupt`, `session/capture`. */
export class SessionIO {
  constructor(
    private readonly deps: IODeps,
    private readonly readiness: Readiness,
    private readonly activity: ActivityInput,
  ) {}

  /** Checks a message's size (for `now` and `idle` alike). */
  checkSize(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (bytes > this.deps.limits.maxMessageBytes) {
      throw errors.limitExceeded('message bytes', this.deps.limits.maxMessageBytes, bytes);
    }
  }

  /**
   * `when: "now"`: typed at once, except into a program that is still starting: that
   * first waits until the program is ready, so that no keystroke is lost to a program
   * that does not read yet. A program that shows a question (a trust dialog, an
   * approval) does not take the text as its answer: that is refused unless `force`.
   */
  async send(session: Session, params: SessionSendParams, questions: OpenQuestions): Promise<Message> {
    this.checkSize(params.text);
    await this.readiness.startedReady(session.id, STARTING_READY_MS);
    if (params.force !== true) {
      let open = questions.openOf(session.id);
      if (open === undefined && this.activity.activity(session.id) === 'waiting') {
        await this.activity.settled(session.id, QUESTION_RECORDED_MS);
        open = questions.openOf(session.id);
      }
      if (open !== undefined || this.activity.activity(session.id) === 'waiting') {
        throw errors.waitingForAnswer(this.deps.registry.get(session.id) ?? session, open ?? null);
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

  /**
   * Types a message into its session and records it delivered: the message, its event
   * and its input mark in the transcript in one synced commit. The session's activity
   * changes are held until then (`DeliveryGate`), so `message.delivered` comes before the
   * `busy` its text causes.
   */
  deliver(message: Message): Promise<Message> {
    return this.deps.deliveries.hold(message.sessionId, () => this.typeAndCommit(message));
  }

  private async typeAndCommit(message: Message): Promise<Message> {
    const { input, current } = await this.typeRecorded(message.sessionId, 'send to', { text: message.text, via: 'text', submit: message.submit }, (id) =>
      this.submit(id, message.text, message.submit),
    );
    const delivered: Message = { ...message, status: 'delivered', deliveredAt: new Date().toISOString() };
    let stored = false;
    try {
      await this.deps.committer.commit({
        messages: [delivered],
        events: [{ type: 'message.delivered', sessionId: current.id, data: toJson(delivered) }],
        inputMarks: [{ key: input.key, mark: input.mark }],
      });
      stored = true;
    } finally {
      this.deps.transcripts.inputSettled(input, stored);
    }
    return delivered;
  }

  /** Types an answer to a program's prompt, recorded as input. */
  async answer(sessionId: string, answer: { keys: string[] } | { text: string; submit: boolean }): Promise<void> {
    const session = this.deps.registry.get(sessionId);
    if (session === undefined) throw errors.sessionNotFound(sessionId);
    if ('keys' in answer) await this.keys(session, answer.keys);
    else await this.type(sessionId, 'answer', { text: answer.text, via: 'text', submit: answer.submit }, (id) => this.submit(id, answer.text, answer.submit));
  }

  async keys(session: Session, keys: readonly string[]): Promise<Record<string, never>> {
    await this.type(session.id, 'send keys to', { text: keys.join(' '), via: 'keys', submit: false }, (id) => this.deps.backend.sendKeys(id, keys));
    return {};
  }

  interrupt(session: Session): Promise<Record<string, never>> {
    return this.keys(session, ['C-c']);
  }

  async capture(session: Session, params: SessionCaptureParams): Promise<SessionCaptureResult> {
    const current = this.deps.registry.get(session.id) ?? session;
    if (current.runtime.tmuxSession === null) {
      throw errors.invalidState(current, 'capture', 'it has no screen');
    }
    return onBackend(current, 'capture', () => this.deps.backend.capture(current.id, { lines: params.lines, ansi: params.ansi }));
  }

  /** Types text the way the session's profile submits it. */
  private submit(id: string, text: string, submit: boolean): Promise<void> {
    if (submit && this.activity.submitStyle(id) === 'paste-then-enter') {
      // The agent redraws its input while the text goes in: no idle is read from that.
      this.activity.poke(id, true);
      return pasteThenEnter(this.deps, id, text);
    }
    return this.deps.backend.sendText(id, text, submit);
  }

  /**
   * How every input goes in: under the session's input lock (input to one session is
   * serialized, so two sends arrive in the order they were made), to a live session
   * only, marked in the transcript where the output stands before it is typed, then
   * typed, and activity told. The lock is held until the mark is stored (in the
   * transcripts' store: one commit, synced in the background).
   */
  private async type(sessionId: string, action: string, mark: InputText, send: (id: string) => Promise<void>): Promise<void> {
    await this.deps.locks.run(`${sessionId}:input`, async () => {
      const current = this.live(sessionId, action);
      const recorded = this.deps.transcripts.input(current.id, mark.text, mark.via, mark.submit);
      await this.typeInto(current, action, mark, send);
      await recorded;
    });
  }

  /**
   * As `type`, but the caller stores the input mark in its own commit, with the record
   * it belongs to (and then settles it, `inputSettled`); the lock is not held for that
   * commit. A typing that fails has its mark written by the transcripts, as `type` does.
   */
  private typeRecorded(sessionId: string, action: string, mark: InputText, send: (id: string) => Promise<void>): Promise<{ current: Session; input: PendingMark }> {
    return this.deps.locks.run(`${sessionId}:input`, async () => {
      const current = this.live(sessionId, action);
      const input = this.deps.transcripts.inputMark(current.id, mark.text, mark.via, mark.submit);
      try {
        await this.typeInto(current, action, mark, send);
      } catch (error) {
        this.deps.transcripts.inputSettled(input, false);
        throw error;
      }
      return { current, input };
    });
  }

  private live(sessionId: string, action: string): Session {
    const current = this.deps.registry.get(sessionId);
    if (current === undefined) throw errors.sessionNotFound(sessionId);
    if (!isLive(current.status)) throw errors.invalidState(current, action);
    return current;
  }

  private async typeInto(current: Session, action: string, mark: InputText, send: (id: string) => Promise<void>): Promise<void> {
    await onBackend(current, action, () => send(current.id));
    this.activity.poke(current.id, mark.via === 'text' && mark.submit);
  }
}

/** What an input leaves in the transcript. */
interface InputText {
  text: string;
  via: 'text' | 'keys';
  submit: boolean;
}
