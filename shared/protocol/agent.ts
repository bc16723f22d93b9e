import { z } from 'zod';
import { defineRequest } from './define.js';
import { JsonObjectSchema, sessionRef } from './fields.js';
import { AgentKindSchema } from './model.js';

/**
 * Extension: what an agent reports about itself from inside a session, through the
 * `sessd-hook` forwarder sessd gives it (Claude Code's lifecycle hooks, Codex's
 * `notify` program). sessd reads activity, approvals and the agent's conversation id
 * from these; the screen stays the fallback for what they do not say.
 */
export const AgentHookParamsSchema = z.strictObject({
  /** The session the agent runs in (its `SESSD_SESSION`). */
  session: sessionRef,
  /** Which agent's hook this is, which decides how `event` reads. */
  agent: AgentKindSchema,
  /**
   * The agent's own payload, as it gave it: for Claude Code the hook's JSON input
   * (`hook_event_name`, `session_id`, ...); for Codex the notify JSON (`type`,
   * `thread-id`, ...).
   */
  event: JsonObjectSchema,
});
export type AgentHookParams = z.infer<typeof AgentHookParamsSchema>;

export const AgentHookResultSchema = z.object({
  /**
   * What the hook prints on its standard output for the agent to read (a decision,
   * such as a PermissionRequest's `hookSpecificOutput`); absent: the hook prints nothing.
   */
  output: z.string().optional(),
});
export type AgentHookResult = z.infer<typeof AgentHookResultSchema>;

/** Extension: an agent's hook event, forwarded by `sessd-hook`. */
export const AgentHookRequest = defineRequest('agent/hook', AgentHookParamsSchema, AgentHookResultSchema);
