import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentHookResult } from '../../shared/protocol/agent.js';
import type { Activity, AgentKind, AgentSession, InteractionDetail, JsonObject, Session } from '../../shared/protocol/model.js';
import type { Verdict } from '../policies/rules.js';
import type { Committer } from '../sessions/commit.js';
import type { KeyedLock } from '../sessions/lock.js';
import type { SessionRegistry } from '../sessions/registry.js';

/** What an agent's hook event says, read by `readClaude` / `readCodex`. */
export interface HookReading {
  /** The agent's conversation id the event carries, if any. */
  conversation: string | null;
  activity: Activity | null;
  /** For an approval the agent waits on: what it is about. */
  detail: InteractionDetail | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Claude Code's hook payloads (REAL.md): UserPromptSubmit and tool use mean busy, Stop
 * means idle, PermissionRequest means waiting on an approval of `tool_name` with
 * `tool_input`. Notification `permission_prompt` comes seconds after the dialog and
 * `idle_prompt` a minute after Stop: they only confirm. Every event carries `session_id`
 * (after `--fork-session`, SessionStart still has the old one; the new one comes with
 * UserPromptSubmit).
 */
export function readClaude(event: JsonObject): HookReading {
  const conversation = str(event.session_id);
  const name = str(event.hook_event_name);
  let activity: Activity | null = null;
  let detail: InteractionDetail | null = null;
  if (name === 'UserPromptSubmit' || name === 'PreToolUse' || name === 'PostToolUse') activity = 'busy';
  else if (name === 'Stop') activity = 'idle';
  else if (name === 'PermissionRequest') {
    activity = 'waiting';
    const input = event.tool_input !== null && typeof event.tool_input === 'object' && !Array.isArray(event.tool_input) ? (event.tool_input as JsonObject) : null;
    detail = { tool: str(event.tool_name), command: str(input?.command), input, source: 'hook' };
  } else if (name === 'Notification') {
    const type = str(event.notification_type);
    activity = type === 'permission_prompt' ? 'waiting' : type === 'idle_prompt' ? 'idle' : null;
  }
  return { conversation, activity, detail };
}

/**
 * Codex's notify payload: only `agent-turn-complete`, after each turn, with its
 * `thread-id`. It gives the conversation, not the activity: it comes after the screen
 * has shown the turn's end (read within about 70 ms), and a late one (its title
 * request sends one too) would hold back the screen's reading of the next turn.
 */
export function readCodex(event: JsonObject): HookReading {
  if (event.type !== 'agent-turn-complete') return { conversation: null, activity: null, detail: null };
  return { conversation: str(event['thread-id']), activity: null, detail: null };
}

/** Whether Codex keeps a conversation file for `id` under CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-ID.jsonl (newest days first). */
export async function codexHasThread(codexHome: string, id: string): Promise<boolean> {
  const entries = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort().reverse();
  const root = join(codexHome, 'sessions');
  for (const year of await entries(root)) {
    for (const month of await entries(join(root, year))) {
      for (const day of await entries(join(root, year, month))) {
        if ((await entries(join(root, year, month, day))).some((f) => f.startsWith('rollout-') && f.endsWith(`-${id}.jsonl`))) return true;
      }
    }
  }
  return false;
}

/** What AgentHooks drives: the activity tracker's hook input and its interactions' details. */
export interface HookTargets {
  /** `tellsApprovals`: the agent's hooks report every approval it asks for (so the screen's wait for them). */
  report(sessionId: string, activity: Activity, tellsApprovals: boolean): Promise<void>;
}

/** Approval policies, asked about an approval the agent's hook tells of before its dialog shows (PolicyService). */
export interface HookPolicy {
  /** The verdict once recorded, or null to leave the approval to its dialog. */
  hook(session: Session, detail: InteractionDetail | null): Promise<Verdict | null>;
  /** What a refusal tells the model. */
  refusal(verdict: Verdict): string;
}

/**
 * Claude Code's PermissionRequest hook output for a verdict (REAL.md): `allow` runs the
 * tool with no dialog; `deny` refuses it, and the model gets `message` as the tool's
 * error result in the same turn.
 */
export function claudeDecision(verdict: Verdict, message: string): string {
  const decision = verdict.decision === 'approve' ? { behavior: 'allow' } : { behavior: 'deny', message };
  return JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } });
}

/**
 * `agent/hook`: an agent's own report from inside its session (sessd-hook). The reply
 * goes at once; what the event means is applied after it, one event after another per
 * session, so an agent never waits on sessd's locks (a stop holds the session's lock
 * while the agent's SessionEnd hook runs). It records the agent's conversation on the
 * session (`agentSession`) and tells the activity tracker what the agent does; an
 * approval's tool and input wait here for the interaction the screen opens.
 *
 * Claude's PermissionRequest is the one event whose reply waits: the policies judge
 * the approval first, and a verdict other than `ask` is the reply's `output` (the
 * dialog never opens; the activity stays busy).
 */
export class AgentHooks {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly details = new Map<string, InteractionDetail>();

  constructor(
    private readonly ctx: { registry: SessionRegistry; locks: KeyedLock; committer: Committer },
    private readonly targets: HookTargets,
    /** CODEX_HOME as a session's program sees it, when its env does not set it. */
    private readonly defaultCodexHome: string,
    private readonly log: Logger,
    private readonly policy: HookPolicy | null = null,
  ) {}

  receive(session: Session, agent: AgentKind, event: JsonObject): AgentHookResult | Promise<AgentHookResult> {
    const id = session.id;
    const asks = this.policy !== null && agent === 'claude' && event.hook_event_name === 'PermissionRequest';
    const verdict = asks ? this.policy.hook(session, readClaude(event).detail) : Promise.resolve(null);
    // Chained at once, so that events apply in the order they came while the verdict is recorded.
    const next = (this.chains.get(id) ?? Promise.resolve())
      .then(async () => this.apply(id, agent, event, (await verdict) !== null))
      .catch((error: unknown) => this.log.warn({ err: error, session: id, agent }, 'cannot apply a hook event'))
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
    if (!asks) return {};
    return verdict.then((decided) => (decided === null ? {} : { output: claudeDecision(decided, this.policy!.refusal(decided)) }));
  }

  /** The tool and input of the approval the session's agent waits on, if its hook told. */
  detail(sessionId: string): InteractionDetail | null {
    return this.details.get(sessionId) ?? null;
  }

  /** Resolves once every hook event received so far is applied. */
  async idle(sessionId: string): Promise<void> {
    await this.chains.get(sessionId);
  }

  /** `decided`: the policies answered the approval this event tells of, so no dialog opens and the agent works on. */
  private async apply(id: string, agent: AgentKind, event: JsonObject, decided: boolean): Promise<void> {
    const read = agent === 'claude' ? readClaude(event) : readCodex(event);
    const reading: HookReading = decided ? { ...read, activity: 'busy', detail: null } : read;
    if (reading.conversation !== null) await this.record(id, { agent, id: reading.conversation });
    if (reading.activity === null) return;
    if (reading.detail !== null) this.details.set(id, reading.detail);
    else if (reading.activity !== 'waiting') this.details.delete(id);
    await this.targets.report(id, reading.activity, agent === 'claude');
  }

  /** Records the agent's conversation on the session, when it is new. */
  private async record(id: string, conversation: AgentSession): Promise<void> {
    const known = this.ctx.registry.get(id)?.agentSession;
    if (known?.agent === conversation.agent && known.id === conversation.id) return;
    if (conversation.agent === 'codex') {
      // Codex also notifies for side requests (a thread title) under other thread ids: only a conversation it keeps is one to resume.
      const env = this.ctx.registry.get(id)?.env ?? {};
      const home = env.CODEX_HOME ?? (env.HOME === undefined ? this.defaultCodexHome : join(env.HOME, '.codex'));
      if (!(await codexHasThread(home, conversation.id))) return;
    }
    await this.ctx.locks.run(id, async () => {
      const current = this.ctx.registry.get(id);
      if (current === undefined) return;
      const now = new Date().toISOString();
      await this.ctx.committer.commit({
        put: [{ ...current, agentSession: conversation, updatedAt: now }],
        events: [{ type: 'session.updated', sessionId: id, data: { agentSession: conversation } }],
      });
    });
  }
}
