import { z } from 'zod';
import { defineRequest } from './define.js';
import { sessionRef, timestamp } from './fields.js';
import { InteractionDetailSchema } from './model.js';
import { MAX_LIST_LIMIT } from './session.js';

/**
 * Extension: approval policies (README "Policies"). Rules in the config file's
 * `policies` answer a session's approvals for the user; every answer, a rule's or a
 * person's, is kept in the session's audit list and told as an `interaction.decided`
 * event whose data is the AuditEntry.
 */

/** What was decided: `approve`/`deny`; `ask`: left to a person; `answer`: a person's answer that neither approves nor denies (a question's text, a third choice). */
export const DecisionSchema = z.enum(['approve', 'deny', 'ask', 'answer']);
export type Decision = z.infer<typeof DecisionSchema>;

/** The rule that decided: its place in `policies` (0-based) and its `name`, if it has one. */
export const PolicyRuleRefSchema = z.object({ index: z.number(), name: z.string().nullable() });
export type PolicyRuleRef = z.infer<typeof PolicyRuleRefSchema>;

/** Who decided: a rule of the config file, or a person through a client (`cli`: sess, `editor`: VS Code or Neovim, `api`: any other client). */
export const DeciderSchema = z.enum(['policy', 'cli', 'editor', 'api']);
export type Decider = z.infer<typeof DeciderSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  /** When it was decided. */
  createdAt: z.string(),
  /** The interaction decided on; null for an approval decided through the agent's own hook before any dialog showed. */
  interactionId: z.string().nullable(),
  /** The question, when one was on screen. */
  prompt: z.string().nullable(),
  /** What was to be approved, as the rules saw it. */
  detail: InteractionDetailSchema.nullable(),
  decision: DecisionSchema,
  by: DeciderSchema,
  /** For `by: "policy"`: the rule (null when no rule matched and the default, `ask`, applied). */
  rule: PolicyRuleRefSchema.nullable(),
  /** For a person: the client's name and version as it introduced itself (`sess 1.2.0`). */
  client: z.string().nullable(),
  /** The answer given (a choice id or text); null for `ask`. */
  response: z.string().nullable(),
  /** Why: the rule's `reason`, or why the policy could not decide (`the approval's detail could not be read`). */
  reason: z.string().nullable(),
  /** How the answer reached the program: the agent's hook, or keys typed on its screen; null for `ask`. */
  via: z.enum(['hook', 'keys']).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListParamsSchema = z.strictObject({
  /** One session's list; omitted: every session's. */
  session: sessionRef.optional(),
  /** Only entries decided at or after this time. */
  since: timestamp.optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
  cursor: z.string().max(1000).optional(),
});
export type AuditListParams = z.infer<typeof AuditListParamsSchema>;

export const AuditListResultSchema = z.object({
  /** Oldest first. */
  entries: z.array(AuditEntrySchema),
  nextCursor: z.string().optional(),
});
export type AuditListResult = z.infer<typeof AuditListResultSchema>;

export const PolicyTestParamsSchema = z.strictObject({
  session: sessionRef,
  /** A sample detail to judge; omitted: the session's open approval's. */
  detail: InteractionDetailSchema.partial().optional(),
});
export type PolicyTestParams = z.infer<typeof PolicyTestParamsSchema>;

/** How one rule took the detail: `matched`, or why not (`where: space is not agents`, `match: command`). */
export const PolicyTraceSchema = z.object({ index: z.number(), name: z.string().nullable(), outcome: z.string() });

export const PolicyTestResultSchema = z.object({
  decision: z.enum(['approve', 'deny', 'ask']),
  rule: PolicyRuleRefSchema.nullable(),
  reason: z.string().nullable(),
  /** The detail judged (null: none could be read, or no approval is open). */
  detail: InteractionDetailSchema.nullable(),
  /** The session's `policy` switch. */
  policy: z.enum(['on', 'off']),
  /** Every rule up to the deciding one, in order. */
  trace: z.array(PolicyTraceSchema),
});
export type PolicyTestResult = z.infer<typeof PolicyTestResultSchema>;

/** A session's audit list (or every session's), oldest first. */
export const AuditListRequest = defineRequest('audit/list', AuditListParamsSchema, AuditListResultSchema);
/** Which rule would decide what on the session's open approval (or a sample detail); answers nothing. */
export const PolicyTestRequest = defineRequest('policy/test', PolicyTestParamsSchema, PolicyTestResultSchema);
