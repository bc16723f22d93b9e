import type { InteractionDetail, JsonObject } from '../../shared/protocol/model.js';
import type { AuditEntry, Decider, Decision, PolicyRuleRef } from '../../shared/protocol/policy.js';
import { toJson } from '../sessions/create.js';
import { newId } from '../sessions/naming.js';
import type { Verdict } from './rules.js';

/** Who answers an interaction: a rule of the policies, or a person through a client. */
export interface Answerer {
  by: Decider;
  /** The client's name and version, for a person. */
  client: string | null;
  rule: PolicyRuleRef | null;
  reason: string | null;
}

/** A person through a client whose name is not known (a caller inside the daemon, or a test). */
export const API_ANSWERER: Answerer = { by: 'api', client: null, rule: null, reason: null };

/** A person through the client that introduced itself as `clientName` (`sess 1.2.0`, `sessd-vscode 0.3.0`). */
export function personAnswerer(clientName: string | null): Answerer {
  const program = clientName?.split(' ')[0] ?? '';
  const by: Decider = program === 'sess' ? 'cli' : program === 'sessd-vscode' || program === 'sessd.nvim' ? 'editor' : 'api';
  return { by, client: clientName, rule: null, reason: null };
}

/** A rule's verdict as the one who answers. */
export function policyAnswerer(verdict: Verdict): Answerer {
  return { by: 'policy', client: null, rule: verdict.rule, reason: verdict.reason };
}

/** A new entry of a session's audit list, decided now. */
export function auditEntry(
  sessionId: string,
  what: { interactionId: string | null; prompt: string | null; detail: InteractionDetail | null },
  decision: Decision,
  answerer: Answerer,
  response: string | null,
  via: AuditEntry['via'],
): AuditEntry {
  return {
    id: newId('a', 11),
    sessionId,
    createdAt: new Date().toISOString(),
    interactionId: what.interactionId,
    prompt: what.prompt,
    detail: what.detail,
    decision,
    by: answerer.by,
    rule: answerer.rule,
    client: answerer.client,
    response,
    reason: answerer.reason,
    via,
  };
}

/** The `interaction.decided` event of an entry. */
export function decidedEvent(entry: AuditEntry): { type: 'interaction.decided'; sessionId: string; data: JsonObject } {
  return { type: 'interaction.decided', sessionId: entry.sessionId, data: toJson(entry) };
}
