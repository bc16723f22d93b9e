import { z } from 'zod';

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
const positive = (max: number) => z.number().int().min(1).max(max);

/** The limits' schema over a byte-size field: numbers in the protocol; the config file also takes `4G`. */
export const resourceLimits = (byteSize: z.ZodType<number, number | string> | z.ZodNumber) =>
  z.strictObject({
    /** Memory of the session's processes together, in bytes (systemd `MemoryMax`). */
    memoryMax: byteSize.optional(),
    /** CPU time per wall-clock time, in percent of one CPU: 200 is two CPUs (systemd `CPUQuota`). */
    cpuQuota: positive(100_000).optional(),
    /** Processes and threads together (systemd `TasksMax`). */
    tasksMax: positive(4_194_304).optional(),
    /** Open files per process (`RLIMIT_NOFILE`). */
    openFiles: positive(1 << 30).optional(),
    /** Virtual memory per process, in bytes (`RLIMIT_AS`). */
    addressSpace: byteSize.optional(),
    /** CPU seconds per process (`RLIMIT_CPU`). */
    cpuSeconds: positive(1 << 30).optional(),
  });

export const ResourceLimitsSchema = resourceLimits(z.number().int().min(1));
export type ResourceLimits = z.infer<typeof ResourceLimitsSchema>;

export const ResourceLimitFieldSchema = ResourceLimitsSchema.keyof();
export type ResourceLimitField = z.infer<typeof ResourceLimitFieldSchema>;
export const SCOPE_LIMIT_FIELDS: readonly ResourceLimitField[] = ['memoryMax', 'cpuQuota', 'tasksMax'];
export const RLIMIT_FIELDS: readonly ResourceLimitField[] = ['openFiles', 'addressSpace', 'cpuSeconds'];

/** How this machine enforces resource limits: `systemd-scope` (and rlimits), `prlimit` (rlimits only), or none. */
export const ResourceLimitMechanismSchema = z.enum(['systemd-scope', 'prlimit']).nullable();
export type ResourceLimitMechanism = z.infer<typeof ResourceLimitMechanismSchema>;
