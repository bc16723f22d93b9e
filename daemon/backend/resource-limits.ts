import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import {
  RLIMIT_FIELDS,
  SCOPE_LIMIT_FIELDS,
  type ResourceLimitField,
  type ResourceLimitMechanism,
  type ResourceLimits,
} from '../../shared/protocol/resources.js';
import { scopeArgs } from '../systemd/manager.js';

/** Where to look for the helper programs (execvp would search PATH the same way). */
async function findProgram(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir === '') continue;
    try {
      await access(`${dir}/${name}`, constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // Not in this directory: try the next.
    }
  }
  return null;
}

/**
 * Per-session resource limits, as the machine allows: a transient systemd scope for
 * `memoryMax`, `cpuQuota` and `tasksMax` when a user manager runs, and rlimits for
 * `openFiles`, `addressSpace` and `cpuSeconds`, set by sessd-pane before it forks the
 * program (`paneRlimits`) or else by `prlimit`. Each execs the program in place, so
 * its pid is the one the session reports; sessd-pane's way also has the limits in
 * place before that pid exists.
 */
export class ResourceLimiter {
  private constructor(
    private readonly systemdRun: string | null,
    private readonly prlimit: string | null,
    /** sessd-pane runs every program and takes `--rlimit`. */
    private readonly paneRlimits: boolean,
  ) {}

  static async detect(userManager: boolean, paneRlimits: boolean): Promise<ResourceLimiter> {
    const [systemdRun, prlimit] = await Promise.all([userManager ? findProgram('systemd-run') : null, paneRlimits ? null : findProgram('prlimit')]);
    return new ResourceLimiter(systemdRun, prlimit, paneRlimits);
  }

  /** For tests of pure logic and for machines without either program. */
  static none(): ResourceLimiter {
    return new ResourceLimiter(null, null, false);
  }

  private get rlimits(): boolean {
    return this.paneRlimits || this.prlimit !== null;
  }

  get mechanism(): ResourceLimitMechanism {
    return this.systemdRun !== null ? 'systemd-scope' : this.rlimits ? 'prlimit' : null;
  }

  get fields(): ResourceLimitField[] {
    return [...(this.systemdRun !== null ? SCOPE_LIMIT_FIELDS : []), ...(this.rlimits ? RLIMIT_FIELDS : [])];
  }

  /** sessd-pane's options that set `limits`' rlimits (empty unless sessd-pane sets them). */
  paneArgs(limits: ResourceLimits | undefined): string[] {
    if (limits === undefined || !this.paneRlimits) return [];
    const args: string[] = [];
    if (limits.openFiles !== undefined) args.push('--rlimit', `nofile=${limits.openFiles}`);
    if (limits.addressSpace !== undefined) args.push('--rlimit', `as=${limits.addressSpace}`);
    if (limits.cpuSeconds !== undefined) args.push('--rlimit', `cpu=${limits.cpuSeconds}`);
    return args;
  }

  /** The first limit that cannot be enforced here, with why; null when all can. */
  problem(limits: ResourceLimits): { field: string; message: string } | null {
    const supported = this.fields;
    for (const [field, value] of Object.entries(limits)) {
      if (value === undefined || supported.includes(field as ResourceLimitField)) continue;
      const needs = SCOPE_LIMIT_FIELDS.includes(field as ResourceLimitField)
        ? 'a systemd user manager (systemd-run --user), which is not running here'
        : 'prlimit (util-linux), which is not installed';
      return { field: `limits.${field}`, message: `cannot be enforced on this machine: it needs ${needs}; provider/list shows what can` };
    }
    return null;
  }

  /** The argv that runs a program under `limits`; prepended to the program's own. */
  prefix(session: string, limits: ResourceLimits | undefined): string[] {
    if (limits === undefined) return [];
    const argv: string[] = [];
    const scope: string[] = [];
    if (limits.memoryMax !== undefined) scope.push(`MemoryMax=${limits.memoryMax}`);
    if (limits.cpuQuota !== undefined) scope.push(`CPUQuota=${limits.cpuQuota}%`);
    if (limits.tasksMax !== undefined) scope.push(`TasksMax=${limits.tasksMax}`);
    if (scope.length > 0 && this.systemdRun !== null) {
      // A fresh name per run: the scope of the previous run may not be collected yet.
      argv.push(this.systemdRun, ...scopeArgs(`sessd-${session}-${randomBytes(3).toString('hex')}`, scope));
    }
    const rlimits: string[] = [];
    if (limits.openFiles !== undefined) rlimits.push(`--nofile=${limits.openFiles}`);
    if (limits.addressSpace !== undefined) rlimits.push(`--as=${limits.addressSpace}`);
    if (limits.cpuSeconds !== undefined) rlimits.push(`--cpu=${limits.cpuSeconds}`);
    if (rlimits.length > 0 && this.prlimit !== null && !this.paneRlimits) argv.push(this.prlimit, ...rlimits, '--');
    return argv;
  }
}
