import { AgentHookRequest } from '../../shared/protocol/agent.js';
import { sessionRequest } from '../rpc/handler.js';

export const agentHook = sessionRequest(AgentHookRequest, (p, session, { services }) => services.agentHooks.receive(session, p.agent, p.event));
