import { AgentHookRequest } from '../../shared/protocol/agent.js';
import type { AgentHooks } from '../agents/hooks.js';
import { sessionRequest, type Handler, type SessionLookup } from '../rpc/handler.js';

export function agentHook({ sessions, agentHooks }: { sessions: SessionLookup; agentHooks: AgentHooks }): Handler {
  return sessionRequest(AgentHookRequest, sessions, (p, session) => agentHooks.receive(session, p.agent, p.event));
}
