import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentSession } from '../../shared/protocol/model.js';

/**
 * Claude Code keeps a conversation under the directory it ran in
 * (`<config>/projects/<cwd, each character other than a letter or digit as "-">/ID.jsonl`)
 * and `--resume ID` looks only under the current one: a fork in another worktree
 * would find nothing ("No conversation found"). So the conversation is copied to the
 * fork's directory first; `--fork-session` then writes the fork under its own id,
 * and the source's file is never touched. Codex keeps its threads in one place for
 * every directory and needs nothing.
 */

/** What a conversation id must look like to be used in a file name. */
const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Claude's folder for a directory's conversations. */
export function claudeProjectDir(configDir: string, cwd: string): string {
  return join(configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'));
}

/** Claude's configuration directory for a session's environment. */
export function claudeConfigDir(env: Readonly<Record<string, string>>): string {
  return env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? homedir(), '.claude');
}

/** The file of conversation `id`, in whichever project folder holds it; null when none does. */
async function findConversation(configDir: string, id: string): Promise<string | null> {
  const projects = join(configDir, 'projects');
  const folders = await readdir(projects).catch(() => [] as string[]);
  for (const folder of folders) {
    const file = join(projects, folder, `${id}.jsonl`);
    if ((await stat(file).catch(() => null))?.isFile() === true) return file;
  }
  return null;
}

/**
 * Makes `conversation` resumable from `cwd` for a fork; false when the agent's files
 * do not have it (the fork then starts a conversation afresh).
 */
export async function prepareFork(conversation: AgentSession, cwd: string, env: Readonly<Record<string, string>>): Promise<boolean> {
  if (conversation.agent !== 'claude') return true;
  // The id came from the agent's hook: it names a file only when it is a plain word (Claude's are UUIDs).
  if (!CONVERSATION_ID.test(conversation.id)) return false;
  const configDir = claudeConfigDir(env);
  const source = await findConversation(configDir, conversation.id);
  if (source === null) return false;
  const folder = claudeProjectDir(configDir, cwd);
  const target = join(folder, `${conversation.id}.jsonl`);
  if (target === source) return true;
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await copyFile(source, target);
  return true;
}
