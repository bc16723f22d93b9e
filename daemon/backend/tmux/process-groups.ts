import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';

/**
 * The process groups of a terminal session: the program's own group, its foreground
 * job, and any background jobs. A shell runs each job in its own group, so signalling
 * only the pane's pid would miss them.
 *
 * Found by walking the pane process's descendants in /proc (each thread's `children`), so
 * only the session's own processes are read, not every process on the machine: a
 * delete at 1,000 sessions read thousands of `/proc/PID/stat` files. A process that
 * left the tree (its parent died, it was reparented to init) but stayed in the
 * terminal session is not found; tmux's hangup of the pane's terminal reaches it when
 * the pane goes.
 */
export async function sessionProcessGroups(sid: number): Promise<number[]> {
  const groups = new Set<number>([sid]);
  const seen = new Set<number>([sid]);
  let level = [sid];
  while (level.length > 0) {
    const next: number[] = [];
    await Promise.all(
      level.map(async (pid) => {
        for (const child of await childrenOf(pid)) {
          if (seen.has(child)) continue;
          seen.add(child);
          try {
            const stat = parseStat(await readFile(`/proc/${child}/stat`, 'utf8'));
            // A descendant that started a terminal session of its own (setsid) is not this session's.
            if (stat === null || stat.session !== sid) continue;
            groups.add(stat.pgrp);
            next.push(child);
          } catch {
            // The process exited while we looked: it has no group left to signal.
          }
        }
      }),
    );
    level = next;
  }
  return [...groups];
}

/** The children of `pid`, over all its threads; none when it is gone or there is no /proc (not Linux). */
async function childrenOf(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const lists = await Promise.all(
    tasks.map((tid) =>
      readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').then(
        (text) => text.trim(),
        // The thread ended while we looked: its children, if any, are another thread's now.
        () => '',
      ),
    ),
  );
  return lists.flatMap((text) => (text === '' ? [] : text.split(' ').map(Number)));
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

/** How long SIGSTOP/SIGCONT may take to show in /proc before the caller goes on regardless. */
const SIGNAL_SETTLE_MS = 1_000;

/**
 * SIGSTOP and SIGCONT take effect asynchronously; this waits until /proc shows the
 * program stopped (or no longer stopped), re-checking once per event-loop turn, so
 * a `pause` reply means the program is paused.
 */
export async function settleStopState(pid: number, stopped: boolean): Promise<void> {
  const deadline = Date.now() + SIGNAL_SETTLE_MS;
  for (;;) {
    let state: string;
    try {
      state = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'))?.state ?? '';
    } catch {
      return; // gone, or no /proc: nothing to wait for
    }
    if ((state === 'T' || state === 't') === stopped || Date.now() > deadline) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** True when `pid` runs sessd-pane (a pane started by an older sessd may run its program directly). */
export async function isPaneHelper(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'sessd-pane';
  } catch {
    return false;
  }
}

/** How long a freshly started pane may take to fork and exec its program. */
const PROGRAM_FORK_MS = 1_000;

/**
 * The program that sessd-pane (pid `panePid`) runs: its only child, once it has
 * exec'd (until then the child is a copy of sessd-pane, with sessd-pane's command
 * line). Right after the pane starts neither may have happened yet, so this re-checks
 * once per event-loop turn for a moment; when there is no child it answers `panePid`.
 */
export async function programPid(panePid: number): Promise<number> {
  const deadline = Date.now() + PROGRAM_FORK_MS;
  for (;;) {
    let child: number | undefined;
    try {
      const children = (await readFile(`/proc/${panePid}/task/${panePid}/children`, 'utf8')).trim();
      if (children !== '') child = Number(children.split(' ')[0]);
    } catch {
      return panePid; // gone, or no /proc
    }
    if (child !== undefined && (Date.now() > deadline || !(await isPaneHelper(child)))) return child;
    if (Date.now() > deadline) return panePid;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** `SIGKILL` for 9; `SIG<n>` for a number this platform does not name. */
export function signalName(signo: number): string {
  return SIGNAL_NAMES.get(signo) ?? `SIG${signo}`;
}
