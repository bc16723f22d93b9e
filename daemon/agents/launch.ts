import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { AgentSession, Session } from '../../shared/protocol/model.js';

/**
 * How an agent's program is started so that it reports to sessd and resumes its own
 * conversation. Only the session's argv changes, at each spawn: the stored command
 * stays as the user gave it, and nothing of the user's agent settings is touched.
 *
 * - Claude Code (profile `claude`): `--settings FILE` adds sessd's hooks (FILE is
 *   written in sessd's state directory; Claude merges it with the user's own
 *   settings), and `--resume ID` continues the recorded conversation.
 * - Codex (profile `codex`): `-c notify=[sessd-hook, "codex"]` sets its notify
 *   program for this run only (it replaces a notify program of the user's config for
 *   this session), and `codex resume ID` continues the recorded conversation.
 */

/** Claude Code's hook events sessd listens to (REAL.md lists their payloads). */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Notification',
  'Stop',
  'SessionEnd',
] as const;

/** Options with which the user already chose a conversation: sessd does not add its own. */
const CLAUDE_CONVERSATION_FLAGS = new Set(['--resume', '-r', '--continue', '-c', '--session-id', '--from-pr']);
/** Codex subcommands after which no `resume` is added (they pick or run a conversation of their own, or are not the TUI). */
const CODEX_SUBCOMMANDS = new Set(['resume', 'fork', 'exec', 'e', 'review', 'login', 'logout', 'mcp', 'apply', 'a', 'cloud', 'sandbox', 'debug', 'features', 'help', 'completion', 'app-server', 'agents', 'queue', 'archive', 'delete', 'unarchive', 'doctor', 'update']);

/** A word for `sh -c`: single-quoted. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Claude Code's settings that run `hook` for every event of CLAUDE_HOOK_EVENTS. */
export function claudeHookSettings(hook: string): object {
  const entry = [{ matcher: '*', hooks: [{ type: 'command', command: `${shellWord(hook)} claude` }] }];
  return { hooks: Object.fromEntries(CLAUDE_HOOK_EVENTS.map((event) => [event, entry])) };
}

/** Where the agent's program is in argv: `claude`, `codex`, or a launcher such as `node …/codex.js`. */
function programIndex(argv: readonly string[], agent: 'claude' | 'codex'): number {
  const at = argv.findIndex((word) => new RegExp(`^${agent}(?:\\.js|\\.exe)?$`).test(basename(word)));
  return at === -1 ? 0 : at;
}

/** The argv that runs Claude Code reporting to sessd (when `settings` is given) and resuming `conversation`. */
export function claudeCommand(argv: readonly string[], settings: string | null, conversation: AgentSession | null): string[] {
  const chosen = argv.some((word) => CLAUDE_CONVERSATION_FLAGS.has(word.split('=')[0]!));
  return [
    ...argv,
    ...(settings === null ? [] : ['--settings', settings]),
    ...(conversation?.agent === 'claude' && !chosen ? ['--resume', conversation.id] : []),
  ];
}

/** The argv that runs Codex with `hook` as its notify program (when given), resuming `conversation`. */
export function codexCommand(argv: readonly string[], hook: string | null, conversation: AgentSession | null): string[] {
  const at = programIndex(argv, 'codex');
  const head = argv.slice(0, at + 1);
  const rest = argv.slice(at + 1);
  const notify = hook === null ? [] : ['-c', `notify=${JSON.stringify([hook, 'codex'])}`];
  const subcommand = rest.find((word) => !word.startsWith('-'));
  const resume = conversation?.agent === 'codex' && (subcommand === undefined || !CODEX_SUBCOMMANDS.has(subcommand));
  return resume ? [...head, 'resume', conversation.id, ...notify, ...rest] : [...head, ...notify, ...rest];
}

/**
 * Builds the argv each spawn runs. `hook` is the sessd-hook program (null when it
 * was not built: the agent then runs without reporting, read from its screen only).
 */
export class AgentLauncher {
  private constructor(
    private readonly hook: string | null,
    private readonly claudeSettings: string | null,
  ) {}

  /** Writes Claude's hook settings into `dir` (sessd's state directory). */
  static async prepare(hook: string | null, dir: string): Promise<AgentLauncher> {
    if (hook === null) return new AgentLauncher(null, null);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'claude-settings.json');
    // Written aside and renamed: a Claude starting meanwhile never reads half a file.
    await writeFile(`${file}.tmp`, `${JSON.stringify(claudeHookSettings(hook), null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return new AgentLauncher(hook, file);
  }

  /** What to run for `session`: its own command, made to report and to resume for an agent profile. */
  command(session: Pick<Session, 'agent' | 'command' | 'agentSession'>): string[] {
    const conversation = session.agentSession ?? null;
    if (session.agent === 'claude') return claudeCommand(session.command, this.claudeSettings, conversation);
    if (session.agent === 'codex') return codexCommand(session.command, this.hook, conversation);
    return session.command;
  }
}
