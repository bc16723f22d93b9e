import type { Logger } from 'pino';
import type { Interaction, InteractionDetail, Session } from '../../shared/protocol/model.js';
import type { AuditEntry, PolicyTestResult } from '../../shared/protocol/policy.js';
import type { InteractionPolicy, Interactions } from '../activity/interactions.js';
import type { HookPolicy } from '../agents/hooks.js';
import { approvingAny } from '../config/policies.js';
import type { LiveConfig } from '../config/live.js';
import type { Committer } from '../sessions/commit.js';
import { compareListed } from '../sessions/paging.js';
import type { SessionRegistry } from '../sessions/registry.js';
import type { SessionRecords } from '../store/records.js';
import { auditEntry, decidedEvent, policyAnswerer } from './audit.js';
import { judge, type Verdict } from './rules.js';

/** Agents whose refusal by keys ends their turn without telling the model why: the reason follows as a message. */
const TOLD_AFTER_REFUSAL = new Set(['claude', 'codex']);

/** What a refusal tells the agent (the hook's deny message, or the message typed after a refusal by keys). */
export function refusalText(verdict: Pick<Verdict, 'reason'>): string {
  return verdict.reason === null ? 'Refused by policy.' : `Refused by policy: ${verdict.reason}`;
}

/**
 * Approval policies (README "Policies"): judges each approval by the config file's
 * rules, in effect as the file is now (hot-reloaded), and carries the verdict out
 * the way the approval is answered by a person: through the agent's hook where it
 * has one (AgentHooks asks `hook` before the dialog would show), else by its keys
 * (Interactions asks `judge` when a dialog opens and hands over `apply`). Also holds
 * the audit lists: the decisions themselves are written with the answer they record.
 */
export class PolicyService implements InteractionPolicy, HookPolicy {
  private interactions: Interactions | null = null;
  /** Verdicts being carried out: waited for on dispose. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: { registry: SessionRegistry; committer: Committer; config: Pick<LiveConfig, 'current'> },
    private readonly audit: SessionRecords<AuditEntry>,
    /** Queues `text` as a message to the session, typed once it is idle (MessageQueue). */
    private readonly tell: (session: Session, text: string) => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** The interactions verdicts are carried out on (built after this service, which they use). */
  attach(interactions: Interactions): void {
    this.interactions = interactions;
  }

  judge(sessionId: string, detail: InteractionDetail | null): Verdict {
    const session = this.deps.registry.get(sessionId);
    if (session === undefined) return { decision: 'ask', rule: null, reason: 'no such session', trace: [] };
    if (session.policy === 'off') return { decision: 'ask', rule: null, reason: 'policies are off for this session', trace: [] };
    return judge(this.deps.config.current.policies, { space: session.space, labels: session.labels, agent: session.agent, detail });
  }

  apply(interaction: Interaction, verdict: Verdict): void {
    const run = this.carryOut(interaction, verdict)
      .catch((error: unknown) => this.log.warn({ err: error, session: interaction.sessionId, interaction: interaction.id }, 'cannot answer an approval by policy; it stays open'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /**
   * An approval the agent's hook tells of before its dialog shows: the verdict, once
   * recorded, or null to leave it to the dialog (`ask`, or a record that failed: a
   * decision nobody can audit is not made).
   */
  async hook(session: Session, detail: InteractionDetail | null): Promise<Verdict | null> {
    const verdict = this.judge(session.id, detail);
    if (verdict.decision === 'ask') return null;
    const entry = auditEntry(session.id, { interactionId: null, prompt: null, detail }, verdict.decision, policyAnswerer(verdict), verdict.decision, 'hook');
    try {
      await this.deps.committer.commit({ audit: [entry], events: [decidedEvent(entry)] });
      return verdict;
    } catch (error) {
      this.log.warn({ err: error, session: session.id }, 'cannot record a policy decision; the approval is left to a person');
      return null;
    }
  }

  refusal(verdict: Verdict): string {
    return refusalText(verdict);
  }

  /** `policy/test`: the verdict on `sample`, or on the session's open approval. */
  test(session: Session, sample: Partial<InteractionDetail> | undefined): PolicyTestResult {
    const open = this.interactions?.openOf(session.id);
    const detail = sample === undefined ? (open?.kind === 'approval' ? (open.detail ?? null) : null) : { tool: null, ...sample };
    const verdict = this.judge(session.id, detail);
    const reason = sample === undefined && open?.kind !== 'approval' ? 'no approval is open (give a sample detail)' : verdict.reason;
    return { decision: verdict.decision, rule: verdict.rule, reason, detail, policy: session.policy ?? 'on', trace: verdict.trace };
  }

  /** `daemon/status`: the rules in effect, and those approving anything. */
  status(): { rules: number; approveAny: { index: number; name: string | null }[] } {
    const rules = this.deps.config.current.policies;
    return { rules: rules.length, approveAny: approvingAny(rules) };
  }

  /** Oldest first. */
  list(filter: { sessionId?: string | undefined; since?: string | undefined }): AuditEntry[] {
    const entries = filter.sessionId === undefined ? this.audit.all() : this.audit.of(filter.sessionId);
    const since = filter.since === undefined ? null : new Date(filter.since).toISOString();
    return (since === null ? entries : entries.filter((e) => e.createdAt >= since)).sort(compareListed);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async carryOut(interaction: Interaction, verdict: Verdict): Promise<void> {
    if (this.interactions === null) throw new Error('policies are not attached to the interactions');
    const deny = verdict.decision === 'deny';
    await this.interactions.decide(interaction.id, deny, policyAnswerer(verdict));
    const session = this.deps.registry.get(interaction.sessionId);
    if (deny && verdict.reason !== null && session !== undefined && TOLD_AFTER_REFUSAL.has(session.agent)) await this.tell(session, refusalText(verdict));
  }
}
