import type { Interaction, JsonObject, SessdEvent, Session } from '../../shared/protocol/model.js';
import { RESTART_REASON_PREFIX } from '../sessions/supervisor.js';
import type { NotifyRule, NotifyTrigger } from './schema.js';

/**
 * The pure half of notifications: which event is which trigger, which rule takes a
 * session, and what the notification says. notifier.ts does the timing.
 */

/** What a notification carries: the exec action's stdin and the webhook's body, as JSON. */
export interface Notice {
  trigger: NotifyTrigger;
  /** The rule's name, or `#N` (1-based, in file order). */
  rule: string;
  /** `review wants to run \`npm test\`` */
  title: string;
  /** A second line: the question, the choices, or the exit status. */
  message: string;
  session: Pick<Session, 'id' | 'name' | 'space' | 'agent' | 'labels' | 'status' | 'activity' | 'cwd' | 'exitCode'>;
  /** The open interaction a waiting session shows, if sessd read one. */
  interaction: Interaction | null;
  /** The event that fired it (null for `notify/test`). */
  event: SessdEvent | null;
  time: string;
  /** Set by `notify/test`. */
  test?: true;
}

/** The trigger an event is, given how long the session had been busy (for `idle`); null for most events. */
export function triggerOf(event: SessdEvent): NotifyTrigger | null {
  const d = event.data;
  if (event.type === 'session.activity') {
    if (d.activity === 'waiting') return 'waiting';
    if (d.activity === 'idle' && d.previous === 'busy') return 'idle';
    return null;
  }
  if (event.type !== 'session.status') return null;
  if (d.status === 'crashed') return 'crashed';
  if (d.status === 'exited') return 'exited';
  if (d.status === 'running' && typeof d.reason === 'string' && d.reason.startsWith(RESTART_REASON_PREFIX)) return 'restarted';
  return null;
}

/** Whether the session is still in the state `trigger` reported (checked when a debounce ends). */
export function stillHolds(trigger: NotifyTrigger, session: Session): boolean {
  switch (trigger) {
    case 'waiting':
      return session.status === 'running' && session.activity === 'waiting';
    case 'idle':
      return session.status === 'running' && session.activity === 'idle';
    case 'crashed':
    case 'exited':
      return session.status === trigger;
    case 'restarted':
      return session.status === 'running';
  }
}

export function ruleName(rule: NotifyRule, index: number): string {
  return rule.name ?? `#${index + 1}`;
}

/** The rule `ref` names: its name, or its 1-based number (`2` or `#2`). */
export function findRule(rules: readonly NotifyRule[], ref: string): number {
  const byName = rules.findIndex((r) => r.name === ref);
  if (byName >= 0) return byName;
  const n = /^#?(\d+)$/.exec(ref);
  return n !== null && Number(n[1]) >= 1 && Number(n[1]) <= rules.length ? Number(n[1]) - 1 : -1;
}

/** Whether the rule's `where` takes the session (every given filter must match). */
export function ruleMatches(rule: NotifyRule, session: Session): boolean {
  const where = rule.where;
  if (where === undefined) return true;
  if (where.space !== undefined && !where.space.includes(session.space)) return false;
  if (where.agent !== undefined && !where.agent.includes(session.agent)) return false;
  for (const [key, value] of Object.entries(where.labels ?? {})) if (session.labels[key] !== value) return false;
  return true;
}

/** `space/name`, or the name alone in the default space (as the CLI names it). */
export function sessionRef(session: Pick<Session, 'name' | 'space'>): string {
  return session.space === 'default' ? session.name : `${session.space}/${session.name}`;
}

/** One line, at most `max` characters (commands can be long and multi-line). */
function short(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Who waits and for what: `review wants to run \`npm test\``, `review asks: Which branch?`. */
export function describe(trigger: NotifyTrigger, session: Session, interaction: Interaction | null, busyMs: number | null): { title: string; message: string } {
  const who = sessionRef(session);
  switch (trigger) {
    case 'waiting': {
      if (interaction === null) return { title: `${who} is waiting for you`, message: '' };
      const choices = interaction.choices.map((c) => `${c.id}. ${c.label}`).join('  ');
      const detail = interaction.detail ?? null;
      if (interaction.kind === 'approval' && detail !== null) {
        const input = detail.input ?? null;
        const command = detail.command ?? commandOf(input);
        const what = command !== null ? `run \`${short(command)}\`` : detail.tool !== null ? `use ${detail.tool}${targetOf(input)}` : null;
        if (what !== null) return { title: `${who} wants to ${what}`, message: short(detail.description ?? detail.reason ?? choices, 200) };
      }
      return { title: `${who} asks: ${short(interaction.prompt)}`, message: short(choices, 200) };
    }
    case 'idle':
      return { title: `${who} is done${busyMs === null ? '' : ` after ${spell(busyMs)}`}`, message: 'idle, waiting for a new task' };
    case 'crashed':
      return { title: `${who} crashed`, message: 'its pane or the tmux server went away' };
    case 'exited':
      return { title: `${who} exited${session.exitCode === null ? '' : ` with status ${session.exitCode}`}`, message: short(session.command.join(' ')) };
    case 'restarted':
      return { title: `${who} was restarted`, message: `restart ${session.restarts} (restart policy ${session.restartPolicy})` };
  }
}

function commandOf(input: JsonObject | null): string | null {
  return typeof input?.command === 'string' ? input.command : null;
}

function targetOf(input: JsonObject | null): string {
  const target = input?.file_path ?? input?.path ?? input?.url;
  return typeof target === 'string' ? ` on ${short(target, 80)}` : '';
}

/** 75000 → `1m15s`. */
function spell(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60 === 0 ? '' : `${s % 60}s`}`;
}

/**
 * An exec argv with `{session.name}`-style placeholders filled in: `{session.id}`,
 * `{session.name}`, `{session.space}`, `{session.ref}`, `{session.agent}`,
 * `{session.cwd}`, `{trigger}`, `{rule}`, `{title}`, `{message}`. Each argument stays
 * one argument (no shell); an unknown placeholder is left as written.
 */
export function expandArgv(argv: readonly string[], notice: Notice): string[] {
  const s = notice.session;
  const values: Record<string, string> = {
    'session.id': s.id,
    'session.name': s.name,
    'session.space': s.space,
    'session.ref': sessionRef(s),
    'session.agent': s.agent,
    'session.cwd': s.cwd,
    trigger: notice.trigger,
    rule: notice.rule,
    title: notice.title,
    message: notice.message,
  };
  return argv.map((arg) => arg.replace(/\{([a-z.]+)\}/g, (whole, key: string) => values[key] ?? whole));
}
