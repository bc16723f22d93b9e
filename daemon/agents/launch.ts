import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { basename, join } from 'node:path';
import type { AgentSession, Session } from '../../shared/protocol/model.js';

/**
 * How an agent's program is started so that it reports to sessd and resumes its own
 * conversation. Only the session's argv changes, at each spawn: the stored command
 * stays as the user gave it, and nothing of the user's agent settings is touched.
 *
 * - Claude Code (profile `claude`): `--settings FILE` adds sessd's hooks (FILE is
 *   written in sessd's state directory; Claude merges it with the user's own
 *   settings), and `--resume ID` continues the recorded conversation (with
 *   `--fork-session` for a fork's first run).
 * - Codex (profile `codex`): `-c notify=[sessd-hook, "codex"]` sets its notify
 *   program for this run only (it replaces a notify program of the user's config for
 *   this session), and `codex resume ID` continues the recorded conversation
 *   (`codex fork ID` for a fork's first run).
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

/** Where the agent's program is in argv: `claude`, `codex`, or a launcher such as `node …/codex.js`; -1 when it is not there. */
function programIndex(argv: readonly string[], agent: 'claude' | 'codex'): number {
  return argv.findIndex((word) => new RegExp(`^${agent}(?:\\.js|\\.exe)?$`).test(basename(word)));
}

/** The argv that runs Claude Code reporting to sessd (when `settings` is given) and resuming `conversation`. */
export function claudeCommand(argv: readonly string[], settings: string | null, conversation: AgentSession | null): string[] {
  const chosen = argv.some((word) => CLAUDE_CONVERSATION_FLAGS.has(word.split('=')[0]!));
  return [
    ...argv,
    ...(settings === null ? [] : ['--settings', settings]),
    ...(conversation?.agent === 'claude' && !chosen ? ['--resume', conversation.id, ...(conversation.fork === true ? ['--fork-session'] : [])] : []),
  ];
}

/** The argv that runs Codex with `hook` as its notify program (when given), resuming `conversation`. */
export function codexCommand(argv: readonly string[], hook: string | null, conversation: AgentSession | null, cwd?: string): string[] {
  const at = Math.max(0, programIndex(argv, 'codex'));
  const head = argv.slice(0, at + 1);
  const rest = argv.slice(at + 1);
  const notify = hook === null ? [] : ['-c', `notify=${JSON.stringify([hook, 'codex'])}`];
  const subcommand = rest.find((word) => !word.startsWith('-'));
  const resume = conversation?.agent === 'codex' && (subcommand === undefined || !CODEX_SUBCOMMANDS.has(subcommand));
  if (!resume) return [...head, ...notify, ...rest];
  // `-C`: a fork runs where the session does (else Codex asks whether to use the source's directory).
  const fork = conversation.fork === true ? ['fork', conversation.id, ...(cwd === undefined ? [] : ['-C', cwd])] : ['resume', conversation.id];
  return [...head, ...fork, ...notify, ...rest];
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

  /**
   * Writes Claude's hook settings into `dir` (sessd's state directory), unless the
   * file there already says the same. A full disk must not keep sessd from starting:
   * a file that cannot be written leaves the one already there in use, or, with none,
   * Claude runs without sessd's hooks (read from its screen only), with a warning.
   */
  static async prepare(hook: string | null, dir: string, log?: Logger): Promise<AgentLauncher> {
    if (hook === null) return new AgentLauncher(null, null);
    const file = join(dir, 'claude-settings.json');
    const text = `${JSON.stringify(claudeHookSettings(hook), null, 2)}\n`;
    const existing = await readFile(file, 'utf8').catch(() => null);
    if (existing === text) return new AgentLauncher(hook, file);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // Written aside and renamed: a Claude starting meanwhile never reads half a file.
      await writeFile(`${file}.tmp`, text, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      return new AgentLauncher(hook, file);
    } catch (error) {
      log?.warn({ err: error, file }, existing === null ? 'cannot write Claude hook settings; Claude sessions are read from their screens only' : 'cannot update Claude hook settings; the ones there stay in use');
      return new AgentLauncher(hook, existing === null ? null : file);
    }
  }

  /**
   * What to run for `session`: its own command, made to report and to resume when it
   * runs that agent's program. The profile alone is not enough: a session read with
   * the `claude` profile may run a wrapper script or anything else, and flags meant for
   * Claude would break it.
   */
  command(session: Pick<Session, 'agent' | 'command' | 'agentSession'> & { cwd?: string }): string[] {
    const conversation = session.agentSession ?? null;
    if (session.agent === 'claude' && programIndex(session.command, 'claude') !== -1) return claudeCommand(session.command, this.claudeSettings, conversation);
    if (session.agent === 'codex' && programIndex(session.command, 'codex') !== -1) return codexCommand(session.command, this.hook, conversation, session.cwd);
    return session.command;
  }
}
