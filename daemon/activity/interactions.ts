import type { Interaction, InteractionDetail, InteractionStatus } from '../../shared/protocol/model.js';
import type { AuditEntry, Decision } from '../../shared/protocol/policy.js';
import { API_ANSWERER, auditEntry, decidedEvent, policyAnswerer, type Answerer } from '../policies/audit.js';
import type { Verdict } from '../policies/rules.js';
import type { Committer } from '../sessions/commit.js';
import { toJson } from '../sessions/create.js';
import { newId } from '../sessions/naming.js';
import type { SessionRecords } from '../store/records.js';
import { errors } from '../errors.js';
import type { PromptSpec } from './profiles.js';
import { answerFor, promptKey, type DetectedPrompt } from './screen.js';
import type { PromptWatcher } from './state.js';

/** How long an answer waits for a session's screen to be read for the first time (a daemon just started). */
const FIRST_READING_MS = 2_000;

/**
 * How long a program may take to redraw after an answer: a question still shown past
 * it was not taken, and opens again. Seconds, not a frame: in a full test run on a
 * loaded two-core machine, Claude Code's dialog was still read on screen more than 2 s
 * after its answer, and was opened and recorded a second time. A screen without the
 * question ends the wait at once.
 */
const ANSWER_REDRAW_MS = 10_000;

/** How an open interaction is answered, known while its prompt is on screen. */
interface Open {
  interaction: Interaction;
  prompt: DetectedPrompt;
}

/** Where answers are typed: the session's input path (SessionIO), recorded as its input. */
export interface AnswerInput {
  answer(sessionId: string, answer: { keys: string[] } | { text: string; submit: boolean }): Promise<void>;
}

/** Where questions come from: the activity tracker, which reads every screen. */
export interface PromptSource {
  watchPrompts(watcher: PromptWatcher): () => void;
  /** Resolves once what the session's screen shows is recorded (after a daemon restart, its prompt is known only then). */
  settled(sessionId: string, ms: number): Promise<void>;
}

/** The approval policies (PolicyService), as interactions use them. */
export interface InteractionPolicy {
  /** What the rules decide on an approval of the session that shows `detail`. */
  judge(sessionId: string, detail: InteractionDetail | null): Verdict;
  /** Carries out a verdict other than `ask` on an interaction just opened (answering it through `decide`). */
  apply(interaction: Interaction, verdict: Verdict): void;
}

/** Without policies: every approval waits for a person. */
const NO_POLICY: InteractionPolicy = {
  judge: () => ({ decision: 'ask', rule: null, reason: 'no policies', trace: [] }),
  apply: () => undefined,
};

/**
 * Interactions: a question a session's program shows (an approval menu, a
 * password prompt) opened as a record that a person or a script answers. Opened
 * and cancelled by the activity tracker as prompts come and go; answered here.
 */
export class Interactions implements PromptWatcher {
  /** By session: its open interaction, with what answering it takes. */
  private readonly open = new Map<string, Open>();
  /** Interactions whose answer is being typed: the prompt's going away is their doing, not a cancel. */
  private readonly answering = new Set<string>();
  /**
   * By session: the key of the prompt just answered and when, until a reading no
   * longer shows it. The program redraws a moment after the answer; a reading in
   * between must not open the answered question again (nor record it anew in the
   * audit list).
   */
  private readonly answered = new Map<string, { key: string; at: number }>();

  /** By session: the ids of its stored interactions that are open (read on every screen reading, so kept here). */
  private readonly openIds = new Map<string, Set<string>>();

  private readonly off: () => void;

  constructor(
    private readonly deps: { committer: Committer },
    private readonly stored: SessionRecords<Interaction>,
    private readonly input: AnswerInput,
    private readonly screens: PromptSource,
    /** What the agent's hook told of the approval it waits on (AgentHooks), taken by the interaction the screen opens. */
    private readonly details: { detail(sessionId: string): InteractionDetail | null } = { detail: () => null },
    /** Approval policies: judge every approval opened; what they leave open is recorded as `ask`. */
    private readonly policy: InteractionPolicy = NO_POLICY,
  ) {
    for (const value of stored.all()) if (value.status === 'open') this.index(value);
    this.off = screens.watchPrompts(this);
  }

  dispose(): void {
    this.off();
  }

  /**
   * The session's program shows `prompt`: keeps the open interaction if it is the
   * same question, otherwise cancels it and opens one. After a restart, a stored
   * open interaction for the same question is taken up again.
   */
  async shown(sessionId: string, prompt: DetectedPrompt): Promise<void> {
    const key = promptKey(prompt);
    const answered = this.answered.get(sessionId);
    if (answered?.key === key && Date.now() - answered.at < ANSWER_REDRAW_MS) return;
    this.answered.delete(sessionId);
    const current = this.open.get(sessionId);
    if (current !== undefined && promptKey(current.interaction) === key) return;
    const stored = this.storedOpen(sessionId);
    const again = stored.find((i) => promptKey(i) === key);
    if (again !== undefined && current === undefined) {
      this.open.set(sessionId, { interaction: again, prompt });
      await this.close(sessionId, stored.filter((i) => i !== again), 'cancelled', null);
      return;
    }
    const interaction: Interaction = {
      id: newId('i', 11),
      sessionId,
      kind: prompt.kind,
      prompt: prompt.prompt,
      choices: prompt.choices.map(({ id, label }) => ({ id, label })),
      detail: prompt.kind === 'approval' ? joinDetails(prompt.detail ?? null, this.details.detail(sessionId)) : (prompt.detail ?? null),
      status: 'open',
      response: null,
      createdAt: new Date().toISOString(),
      resolvedAt: null,
    };
    const cancelled = stored.map((i) => ({ ...i, status: 'cancelled' as const, resolvedAt: interaction.createdAt }));
    const verdict = interaction.kind === 'approval' ? this.policy.judge(sessionId, interaction.detail ?? null) : null;
    // Left to a person: recorded with the opening, so the audit list tells why no rule answered.
    const asked = verdict?.decision === 'ask' ? [this.entry(interaction, 'ask', policyAnswerer(verdict), null, null)] : [];
    await this.deps.committer.commit({
      interactions: [...cancelled, interaction],
      audit: asked,
      events: [
        ...cancelled.map((i) => ({ type: 'interaction.resolved' as const, sessionId, data: toJson(i) })),
        { type: 'interaction.opened', sessionId, data: toJson(interaction) },
        ...asked.map(decidedEvent),
      ],
    });
    for (const i of cancelled) this.openIds.get(sessionId)?.delete(i.id);
    this.index(interaction);
    this.open.set(sessionId, { interaction, prompt });
    if (verdict !== null && verdict.decision !== 'ask') this.policy.apply(interaction, verdict);
  }

  /** The prompt went away by other means (or the session ended): its interaction is cancelled. */
  async gone(sessionId: string): Promise<void> {
    this.open.delete(sessionId);
    this.answered.delete(sessionId);
    await this.close(sessionId, this.storedOpen(sessionId), 'cancelled', null);
  }

  /** `interaction/respond`: gives the choice (or text) to the program and resolves the interaction; `by` goes into the audit list. */
  async respond(id: string, response: { choice?: string | undefined; text?: string | undefined }, by: Answerer = API_ANSWERER): Promise<Interaction> {
    const stored = this.stored.get(id);
    if (stored === undefined) throw errors.interactionNotFound(id);
    if (stored.status === 'open' && !this.open.has(stored.sessionId)) await this.screens.settled(stored.sessionId, FIRST_READING_MS);
    const open = this.open.get(stored.sessionId);
    if (stored.status !== 'open' || open === undefined || open.interaction.id !== id) {
      throw errors.interactionClosed(id, stored.status === 'open' ? 'no longer on screen' : stored.status);
    }
    this.open.delete(stored.sessionId);
    this.answering.add(id);
    let given: string;
    let decision: Decision = 'answer';
    try {
      if (response.choice !== undefined) {
        const choice = open.prompt.choices.find((c) => c.id === response.choice);
        if (choice === undefined) {
          const ids = open.prompt.choices.map((c) => c.id).join(', ') || 'none (answer with text)';
          throw errors.invalidParams('choice', `no choice ${response.choice}; the choices are ${ids}`);
        }
        await this.input.answer(stored.sessionId, answerFor(open.prompt.spec, { choice }));
        given = choice.id;
        decision = decisionOf(open.prompt.spec, choice.label);
      } else if (response.text !== undefined) {
        await this.input.answer(stored.sessionId, answerFor(open.prompt.spec, { text: response.text }));
        given = response.text;
      } else {
        throw errors.invalidParams('choice', 'give a choice or text');
      }
    } catch (error) {
      // Nothing was typed (or typing failed): the question stays open.
      if (!this.open.has(stored.sessionId)) this.open.set(stored.sessionId, open);
      this.answering.delete(id);
      throw error;
    }
    this.answered.set(stored.sessionId, { key: promptKey(open.prompt), at: Date.now() });
    try {
      const [resolved] = await this.close(stored.sessionId, [stored], 'resolved', given, this.entry(stored, decision, by, given, 'keys'));
      return resolved!;
    } finally {
      this.answering.delete(id);
    }
  }

  /** `session/approve`: answers the session's open approval with its approve (or deny) choice. */
  async approve(sessionId: string, deny: boolean, by: Answerer = API_ANSWERER): Promise<Interaction> {
    if (!this.open.has(sessionId)) await this.screens.settled(sessionId, FIRST_READING_MS);
    const open = this.open.get(sessionId);
    if (open === undefined || open.interaction.kind !== 'approval') {
      throw errors.interactionNotFound(`an open approval of session ${sessionId}`);
    }
    return this.decide(open.interaction.id, deny, by);
  }

  /** Answers the approval `id` with its approve (or deny) choice, if it is still the one open. */
  async decide(id: string, deny: boolean, by: Answerer): Promise<Interaction> {
    const stored = this.stored.get(id);
    const open = stored === undefined ? undefined : this.open.get(stored.sessionId);
    if (open === undefined || open.interaction.id !== id) throw errors.interactionClosed(id, 'no longer on screen');
    const pattern = deny ? open.prompt.spec.deny : open.prompt.spec.approve;
    const choice = pattern === null ? undefined : open.prompt.choices.find((c) => pattern.test(c.label));
    if (choice === undefined) {
      throw errors.invalidParams('deny', `the approval has no choice that ${deny ? 'denies' : 'approves'}; answer with interaction/respond`);
    }
    return this.respond(open.interaction.id, { choice: choice.id }, by);
  }

  get(id: string): Interaction | undefined {
    return this.stored.get(id);
  }

  /** The session's open interaction (the newest, if a restart left several), if any. */
  openOf(sessionId: string): Interaction | undefined {
    return this.open.get(sessionId)?.interaction ?? this.storedOpen(sessionId).at(-1);
  }

  /** Oldest first; only the session's own records when one is given. */
  list(filter: { sessionId?: string | undefined; status?: InteractionStatus | undefined }): Interaction[] {
    const records = filter.sessionId === undefined ? this.stored.all() : this.stored.of(filter.sessionId);
    const found = filter.status === undefined ? records : records.filter((i) => i.status === filter.status);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  forget(sessionId: string): void {
    this.open.delete(sessionId);
    this.answered.delete(sessionId);
    this.openIds.delete(sessionId);
  }

  private index(interaction: Interaction): void {
    let ids = this.openIds.get(interaction.sessionId);
    if (ids === undefined) this.openIds.set(interaction.sessionId, (ids = new Set()));
    ids.add(interaction.id);
  }

  private storedOpen(sessionId: string): Interaction[] {
    const found: Interaction[] = [];
    for (const id of this.openIds.get(sessionId) ?? []) {
      const i = this.stored.at(sessionId, id);
      if (i?.status === 'open' && !this.answering.has(id)) found.push(i);
    }
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** An audit entry of a decision on `interaction`. */
  private entry(interaction: Interaction, decision: Decision, by: Answerer, response: string | null, via: AuditEntry['via']): AuditEntry {
    const what = { interactionId: interaction.id, prompt: interaction.prompt, detail: interaction.detail ?? null };
    return auditEntry(interaction.sessionId, what, decision, by, response, via);
  }

  private async close(sessionId: string, which: Interaction[], status: InteractionStatus, response: string | null, decided?: AuditEntry): Promise<Interaction[]> {
    const closing = which.filter((i) => i.status === 'open');
    if (closing.length === 0) return [];
    const resolvedAt = new Date().toISOString();
    const closed = closing.map((i) => ({ ...i, status, response, resolvedAt }));
    await this.deps.committer.commit({
      interactions: closed,
      audit: decided === undefined ? [] : [decided],
      events: [...closed.map((i) => ({ type: 'interaction.resolved' as const, sessionId, data: toJson(i) })), ...(decided === undefined ? [] : [decidedEvent(decided)])],
    });
    for (const i of closed) this.openIds.get(sessionId)?.delete(i.id);
    return closed;
  }
}

/** Whether a choice approves or denies, by its profile's patterns; `answer` when neither. */
function decisionOf(spec: PromptSpec, label: string): Decision {
  if (spec.approve?.test(label) === true) return 'approve';
  if (spec.deny?.test(label) === true) return 'deny';
  return 'answer';
}

/** What the screen and the agent's hook tell of one approval: the hook's known fields (the tool's whole input) over the screen's (its description). */
function joinDetails(screen: InteractionDetail | null, hook: InteractionDetail | null): InteractionDetail | null {
  if (hook === null) return screen;
  const told = Object.fromEntries(Object.entries(hook).filter(([, value]) => value !== null && value !== undefined));
  return { ...(screen ?? {}), ...told, tool: hook.tool ?? screen?.tool ?? null };
}
