import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';

/**
 * The process groups of a terminal session, from /proc: the program's own group,
 * its foreground job, and any background jobs. A shell runs each job in its own
 * group, so signalling only the pane's pid would miss them.
 */
export async function sessionProcessGroups(sid: number): Promise<number[]> {
  const groups = new Set<number>([sid]);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    // No /proc (not Linux): the program's own group is the best available answer.
    return [sid];
  }
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (pid) => {
        try {
          const stat = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
          if (stat !== null && stat.session === sid) groups.add(stat.pgrp);
        } catch {
          // The process exited while we looked: it has no group left to signal.
        }
      }),
  );
  return [...groups];
}

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Parses /proc/PID/stat; the command name (field 2) may contain spaces and parentheses. */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  const fields = text.slice(close + 2).split(' ');
  const pid = Number.parseInt(text, 10);
  if (fields.length < 4 || Number.isNaN(pid)) return null;
  return {
    pid,
    state: fields[0]!,
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
  };
}

/** Sends `signal` to each group; a group that is already gone is not an error. */
export function signalGroups(groups: readonly number[], signal: NodeJS.Signals): void {
  for (const group of groups) {
    try {
      process.kill(-group, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** `SIGKILL` for 9; `SIG<n>` for a number this platform does not name. */
export function signalName(signo: number): string {
  return SIGNAL_NAMES.get(signo) ?? `SIG${signo}`;
}
