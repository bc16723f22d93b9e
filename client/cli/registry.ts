import type { CommandSpec, Parsed } from './args.js';
import type { Context } from './context.js';
import type { Input, TypedSpec } from './spec.js';
import * as attach from './commands/attach.js';
import * as audit from './commands/audit.js';
import * as capture from './commands/capture.js';
import * as checkpoint from './commands/checkpoint.js';
import * as completion from './commands/completion.js';
import * as daemonUnits from './commands/daemon-units.js';
import * as daemon from './commands/daemon.js';
import * as dash from './commands/dash.js';
import * as events from './commands/events.js';
import * as gc from './commands/gc.js';
import * as help from './commands/help.js';
import * as inbox from './commands/inbox.js';
import * as interrupt from './commands/interrupt.js';
import * as keys from './commands/keys.js';
import * as lifecycle from './commands/lifecycle.js';
import * as logs from './commands/logs.js';
import * as ls from './commands/ls.js';
import * as messages from './commands/messages.js';
import * as policy from './commands/policy.js';
import * as metrics from './commands/metrics.js';
import * as proxy from './commands/proxy.js';
import * as notify from './commands/notify.js';
import * as create from './commands/new.js';
import * as rm from './commands/rm.js';
import * as send from './commands/send.js';
import * as show from './commands/show.js';
import * as spaces from './commands/spaces.js';
import * as template from './commands/template.js';
import * as update from './commands/update.js';
import * as diff from './commands/diff.js';
import * as fork from './commands/fork.js';
import * as worktree from './commands/worktree.js';
import * as wait from './commands/wait.js';

export { GLOBAL_OPTIONS } from './options.js';

/**
 * Every `sess` command: its spec (declared in commands/NAME.ts, read by the parser,
 * help and shell completion) and its run (in commands/NAME.run.ts, imported only when
 * that command runs, so a start reads no command's code but its own). `command()`
 * checks that the run takes what its spec parses to. The order here is the order of
 * shell completion and of "needs a subcommand" errors.
 */

export type Run<S> = (input: Input<S>, ctx: Context) => Promise<number | void>;

export interface Command extends CommandSpec {
  /** Loads the command's code and runs it on a parse of its line. */
  run(parsed: Parsed, ctx: Context): Promise<number | void>;
}

function command<S extends TypedSpec<unknown>>(spec: S, load: () => Promise<Run<S>>): Command {
  const { input, ...row } = spec;
  return { ...row, run: async (parsed, ctx) => (await load())(input(parsed) as Input<S>, ctx) };
}

export const COMMANDS: readonly Command[] = [
  command(create.spec, async () => (await import('./commands/new.run.js')).run),
  command(ls.spec, async () => (await import('./commands/ls.run.js')).run),
  command(show.spec, async () => (await import('./commands/show.run.js')).run),
  command(attach.spec, async () => (await import('./commands/attach.run.js')).run),
  command(send.spec, async () => (await import('./commands/send.run.js')).run),
  command(inbox.inbox, async () => (await import('./commands/inbox.run.js')).inbox),
  command(inbox.approve, async () => (await import('./commands/inbox.run.js')).approve),
  command(inbox.deny, async () => (await import('./commands/inbox.run.js')).deny),
  command(inbox.answer, async () => (await import('./commands/inbox.run.js')).answer),
  command(audit.spec, async () => (await import('./commands/audit.run.js')).run),
  command(policy.test, async () => (await import('./commands/policy.run.js')).test),
  command(messages.messages, async () => (await import('./commands/messages.run.js')).messages),
  command(messages.cancel, async () => (await import('./commands/messages.run.js')).cancel),
  command(keys.spec, async () => (await import('./commands/keys.run.js')).run),
  command(interrupt.spec, async () => (await import('./commands/interrupt.run.js')).run),
  command(capture.spec, async () => (await import('./commands/capture.run.js')).run),
  command(logs.spec, async () => (await import('./commands/logs.run.js')).run),
  command(events.spec, async () => (await import('./commands/events.run.js')).run),
  command(dash.spec, async () => (await import('./commands/dash.run.js')).run),
  command(wait.spec, async () => (await import('./commands/wait.run.js')).run),
  command(lifecycle.start, async () => (await import('./commands/lifecycle.run.js')).start),
  command(lifecycle.stop, async () => (await import('./commands/lifecycle.run.js')).stop),
  command(lifecycle.restart, async () => (await import('./commands/lifecycle.run.js')).restart),
  command(lifecycle.pause, async () => (await import('./commands/lifecycle.run.js')).pause),
  command(lifecycle.resume, async () => (await import('./commands/lifecycle.run.js')).resume),
  command(lifecycle.suspend, async () => (await import('./commands/lifecycle.run.js')).suspend),
  command(rm.spec, async () => (await import('./commands/rm.run.js')).run),
  command(checkpoint.checkpoint, async () => (await import('./commands/checkpoint.run.js')).checkpoint),
  command(checkpoint.checkpoints, async () => (await import('./commands/checkpoint.run.js')).checkpoints),
  command(checkpoint.restore, async () => (await import('./commands/checkpoint.run.js')).restore),
  command(gc.spec, async () => (await import('./commands/gc.run.js')).run),
  command(diff.spec, async () => (await import('./commands/diff.run.js')).run),
  command(fork.spec, async () => (await import('./commands/fork.run.js')).run),
  command(worktree.ls, async () => (await import('./commands/worktree.run.js')).ls),
  command(worktree.prune, async () => (await import('./commands/worktree.run.js')).prune),
  command(update.spec, async () => (await import('./commands/update.run.js')).run),
  command(daemon.status, async () => (await import('./commands/daemon.run.js')).status),
  command(daemon.start, async () => (await import('./commands/daemon.run.js')).start),
  command(daemon.stop, async () => (await import('./commands/daemon.run.js')).stop),
  command(daemonUnits.install, async () => (await import('./commands/daemon-units.run.js')).install),
  command(daemonUnits.uninstall, async () => (await import('./commands/daemon-units.run.js')).uninstall),
  command(template.templates, async () => (await import('./commands/template.run.js')).templates),
  command(template.show, async () => (await import('./commands/template.run.js')).show),
  command(template.set, async () => (await import('./commands/template.run.js')).set),
  command(template.rm, async () => (await import('./commands/template.run.js')).rm),
  command(spaces.spaces, async () => (await import('./commands/spaces.run.js')).spaces),
  command(spaces.providers, async () => (await import('./commands/spaces.run.js')).providers),
  command(metrics.spec, async () => (await import('./commands/metrics.run.js')).run),
  command(proxy.spec, async () => (await import('./commands/proxy.run.js')).run),
  command(notify.test, async () => (await import('./commands/notify.run.js')).test),
  command(completion.spec, () => Promise.resolve(completion.run)),
  command(help.spec, () => Promise.resolve(help.run)),
];
