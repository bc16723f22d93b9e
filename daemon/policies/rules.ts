import type { InteractionDetail, JsonObject } from '../../shared/protocol/model.js';
import type { PolicyRuleRef } from '../../shared/protocol/policy.js';
import type { PolicyRule } from '../config/policies.js';

/** What a rule is checked against: the session an approval comes from, and what it is about. */
export interface PolicySubject {
  space: string;
  labels: Record<string, string>;
  agent: string;
  /** Null when the approval's detail could not be read. */
  detail: InteractionDetail | null;
}

export interface Verdict {
  decision: 'approve' | 'deny' | 'ask';
  rule: PolicyRuleRef | null;
  reason: string | null;
  /** Every rule looked at, in order, with how it took the subject (`sess policy test`). */
  trace: { index: number; name: string | null; outcome: string }[];
}

/** Why a policy leaves an approval whose detail could not be read to a person. */
export const UNREADABLE = "the approval's detail could not be read";

/**
 * The first rule that takes `subject` decides; none: `ask`. A detail that could not
 * be read is always `ask`, whatever the rules say: a rule never decides on what it
 * cannot see. Pure.
 */
export function judge(rules: readonly PolicyRule[], subject: PolicySubject): Verdict {
  const trace: Verdict['trace'] = [];
  if (!readable(subject.detail)) return { decision: 'ask', rule: null, reason: UNREADABLE, trace };
  for (const rule of rules) {
    const miss = missOf(rule, subject, subject.detail);
    trace.push({ index: rule.index, name: rule.name, outcome: miss ?? 'matched' });
    if (miss === null) return { decision: rule.decide, rule: { index: rule.index, name: rule.name }, reason: rule.reason, trace };
  }
  return { decision: 'ask', rule: null, reason: rules.length === 0 ? 'no policies' : 'no rule matched', trace };
}

/** A detail that says what is to be approved: its tool or its command. */
function readable(detail: InteractionDetail | null): detail is InteractionDetail {
  return detail !== null && (nonEmpty(detail.tool) || nonEmpty(detail.command));
}

function nonEmpty(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Why `rule` does not take the subject, or null when it does. */
function missOf(rule: PolicyRule, subject: PolicySubject, detail: InteractionDetail): string | null {
  const { space, labels, agent } = rule.where;
  if (space !== undefined && subject.space !== space) return `where: space is ${subject.space}, not ${space}`;
  if (agent !== undefined && subject.agent !== agent) return `where: agent is ${subject.agent}, not ${agent}`;
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (subject.labels[key] !== value) return `where: label ${key} is not ${value}`;
  }
  if (rule.match === 'any') return null;
  for (const [field, pattern] of Object.entries(rule.match)) {
    const value = fieldOf(detail, field);
    if (value === null) return `match: the detail has no ${field}`;
    if (!pattern.test(value)) return `match: ${field} does not match`;
  }
  return null;
}

/** A detail field as text: the detail's own, else the tool input's (a string, or a number or boolean written out). */
export function fieldOf(detail: InteractionDetail, field: string): string | null {
  const own = (detail as Record<string, unknown>)[field];
  if (typeof own === 'string') return own;
  const input: JsonObject | null | undefined = detail.input;
  const value = input?.[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}
