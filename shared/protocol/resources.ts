/**
 * Per-session resource limits (an extension of DESIGN.md's data model). Which fields
 * a backend can enforce depends on the machine: `provider/list` says, and a request
 * for one it cannot enforce is refused with `invalid_config` naming the field.
 *
 * - With a systemd user manager, the session's program runs in its own transient
 *   scope (`systemd-run --user --scope`): `memoryMax`, `cpuQuota` and `tasksMax`
 *   hold for the program and everything it starts, together.
 * - Everywhere, `openFiles`, `addressSpace` and `cpuSeconds` are set as rlimits of
 *   the program (`prlimit`), inherited by what it starts, each process on its own.
 */
export interface ResourceLimits {
  /** Memory of the session's processes together, in bytes (systemd `MemoryMax`). */
  memoryMax?: number;
  /** CPU time per wall-clock time, in percent of one CPU: 200 is two CPUs (systemd `CPUQuota`). */
  cpuQuota?: number;
  /** Processes and threads together (systemd `TasksMax`). */
  tasksMax?: number;
  /** Open files per process (`RLIMIT_NOFILE`). */
  openFiles?: number;
  /** Virtual memory per process, in bytes (`RLIMIT_AS`). */
  addressSpace?: number;
  /** CPU seconds per process (`RLIMIT_CPU`). */
  cpuSeconds?: number;
}

export type ResourceLimitField = keyof ResourceLimits;
export const SCOPE_LIMIT_FIELDS: readonly ResourceLimitField[] = ['memoryMax', 'cpuQuota', 'tasksMax'];
export const RLIMIT_FIELDS: readonly ResourceLimitField[] = ['openFiles', 'addressSpace', 'cpuSeconds'];

/** How this machine enforces resource limits: `systemd-scope` (and rlimits), `prlimit` (rlimits only), or none. */
export type ResourceLimitMechanism = 'systemd-scope' | 'prlimit' | null;
