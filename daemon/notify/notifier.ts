import type { Logger } from 'pino';
import type { Interaction, SessdEvent, Session } from '../../shared/protocol/model.js';
import type { NotifyActionResult, NotifyCounts } from '../../shared/protocol/notify.js';
import type { LiveConfig } from '../config/live.js';
import type { EventLog } from '../events/event-log.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { ringAttached } from './bell.js';
import { notifyDesktop, sessionBus } from './desktop.js';
import { runProgram } from './exec.js';
import { describe, expandArgv, ruleMatches, ruleName, stillHolds, triggerOf, type Notice } from './rules.js';
import type { NotifyRule, NotifyTrigger } from './schema.js';
import { postWebhook } from './webhook.js';

/**
 * How long a `waiting` notification waits for the session's interaction to be read
 * (its `interaction.opened` follows the activity event within one screen reading), so
 * it can say what the session waits for.
 */
const INTERACTION_GRACE_MS = 300;
/** Actions running at once; more are dropped and counted as failed, so a stuck receiver cannot pile up work. */
const MAX_IN_FLIGHT = 64;

type ActionName = keyof NotifyCounts['actions'];

interface Pending {
  timer: NodeJS.Timeout;
  sessionId: string;
  trigger: NotifyTrigger;
  /** When the rule's `after` has passed (only the interaction grace may be left). */
  due: number;
  fire: () => void;
}

/**
 * Notifications (README "Notifications"): follows the event log, matches each
 * trigger against the config's `notify` rules (read at each event, so a reload applies
 * at once), debounces by `after`, and runs the rule's actions in the background. An
 * action's failure is logged and counted; nothing here is awaited by the event log.
 */
export class Notifier {
  private readonly pending = new Map<string, Pending>();
  private readonly busySince = new Map<string, number>();
  private readonly open = new Map<string, Interaction>();
  private readonly counts: NotifyCounts = {
    fired: 0,
    actions: { desktop: zero(), bell: zero(), exec: zero(), webhook: zero() },
  };
  private inFlight = 0;
  private readonly stopping = new AbortController();
  private readonly off: (() => void)[];

  constructor(
    private readonly deps: {
      events: Pick<EventLog, 'onEvent'>;
      registry: Pick<SessionRegistry, 'get'>;
      config: Pick<LiveConfig, 'current' | 'onChange'>;
      tmuxSocket: string;
      log: Logger;
    },
  ) {
    this.off = [deps.events.onEvent((event) => this.onEvent(event)), deps.config.onChange(() => this.cancelAll())];
  }

  snapshot(): NotifyCounts {
    return structuredClone(this.counts);
  }

  dispose(): void {
    for (const off of this.off) off();
    this.cancelAll();
    this.stopping.abort();
  }

  /** `notify/test`: fires rule `index` now for `session` (a sample when null); resolves with each action's outcome. */
  async test(index: number, session: Session): Promise<{ title: string; actions: NotifyActionResult[] }> {
    const rule = this.deps.config.current.notify[index]!;
    const notice = this.notice(rule, index, 'waiting', session, null, null);
    notice.title = `(test) ${notice.title}`;
    notice.test = true;
    return { title: notice.title, actions: await this.run(rule, notice) };
  }

  private onEvent(event: SessdEvent): void {
    const id = event.sessionId;
    if (id === null) return;
    if (event.type === 'session.deleted') return this.forget(id);
    if (event.type === 'interaction.opened') {
      this.open.set(id, event.data as unknown as Interaction);
      for (const p of this.pending.values()) if (p.sessionId === id && p.trigger === 'waiting' && Date.now() >= p.due) p.fire();
      return;
    }
    if (event.type === 'interaction.resolved') {
      if (this.open.get(id)?.id === event.data.id) this.open.delete(id);
      return;
    }
    const trigger = triggerOf(event);
    const busyMs = this.trackBusy(event);
    if (trigger === null) return;
    const rules = this.deps.config.current.notify;
    const session = this.deps.registry.get(id);
    if (rules.length === 0 || session === undefined) return;
    rules.forEach((rule, index) => {
      if (!rule.on.includes(trigger) || !ruleMatches(rule, session)) return;
      if (trigger === 'idle') {
        if (busyMs !== null && busyMs >= (rule.after ?? 0)) void this.run(rule, this.notice(rule, index, trigger, session, event, busyMs));
        return;
      }
      this.schedule(rule, index, trigger, id, event);
    });
  }

  /** How long the session was busy before this event, when it ends a busy spell. */
  private trackBusy(event: SessdEvent): number | null {
    if (event.type !== 'session.activity') return null;
    const id = event.sessionId!;
    const since = this.busySince.get(id);
    if (event.data.activity === 'busy') {
      if (since === undefined) this.busySince.set(id, Date.parse(event.time));
      return null;
    }
    this.busySince.delete(id);
    return since === undefined ? null : Date.parse(event.time) - since;
  }

  private schedule(rule: NotifyRule, index: number, trigger: NotifyTrigger, sessionId: string, event: SessdEvent): void {
    const key = `${index}:${sessionId}:${trigger}`;
    clearTimeout(this.pending.get(key)?.timer);
    const start = Date.now();
    const due = start + (rule.after ?? 0);
    const fire = (): void => {
      clearTimeout(entry.timer);
      this.pending.delete(key);
      const session = this.deps.registry.get(sessionId);
      if (session === undefined || !stillHolds(trigger, session)) return;
      void this.run(rule, this.notice(rule, index, trigger, session, event, null));
    };
    const check = (): void => {
      // A waiting session whose interaction is not read yet gets a moment for it.
      const left = start + INTERACTION_GRACE_MS - Date.now();
      if (trigger === 'waiting' && !this.open.has(sessionId) && left > 0) entry.timer = setTimeout(fire, left);
      else fire();
    };
    const entry: Pending = { timer: setTimeout(check, rule.after ?? 0), sessionId, trigger, due, fire };
    this.pending.set(key, entry);
  }

  private notice(rule: NotifyRule, index: number, trigger: NotifyTrigger, session: Session, event: SessdEvent | null, busyMs: number | null): Notice {
    const interaction = trigger === 'waiting' ? (this.open.get(session.id) ?? null) : null;
    const { id, name, space, agent, labels, status, activity, cwd, exitCode } = session;
    return {
      trigger,
      rule: ruleName(rule, index),
      ...describe(trigger, session, interaction, busyMs),
      session: { id, name, space, agent, labels, status, activity, cwd, exitCode },
      interaction,
      event,
      time: new Date().toISOString(),
    };
  }

  /** Runs the rule's actions side by side; each outcome is counted, a failure logged. */
  private async run(rule: NotifyRule, notice: Notice): Promise<NotifyActionResult[]> {
    this.counts.fired++;
    const json = JSON.stringify(notice);
    const actions: [ActionName, () => Promise<string | null>][] = [];
    if (rule.desktop === true) {
      actions.push([
        'desktop',
        async () => {
          const bus = sessionBus();
          if (bus === null) return 'no session bus';
          await notifyDesktop(bus, notice.title, notice.message, notice.trigger === 'waiting' || notice.trigger === 'crashed');
          return null;
        },
      ]);
    }
    if (rule.bell === true) {
      actions.push([
        'bell',
        async () => {
          const n = await ringAttached(this.deps.tmuxSocket, notice.session.id, notice.title).catch((e: Error) => {
            // A session without a tmux session (ended, or a test sample) has no terminal to ring.
            if (/can't find session|no server running|error connecting/.test(e.message)) return 0;
            throw e;
          });
          return n === 0 ? 'no terminal attached' : null;
        },
      ]);
    }
    if (rule.exec !== undefined) {
      const argv = expandArgv(rule.exec, notice);
      actions.push(['exec', async () => (await runProgram(argv, json), null)]);
    }
    if (rule.webhook !== undefined) {
      const target = rule.webhook;
      actions.push(['webhook', async () => (await postWebhook(target, json, this.stopping.signal), null)]);
    }
    return Promise.all(actions.map(([name, act]) => this.act(name, act, notice)));
  }

  private async act(name: ActionName, act: () => Promise<string | null>, notice: Notice): Promise<NotifyActionResult> {
    const counts = this.counts.actions[name];
    if (this.inFlight >= MAX_IN_FLIGHT) {
      counts.failed++;
      this.deps.log.warn({ rule: notice.rule, action: name, session: notice.session.id }, `notification dropped: ${MAX_IN_FLIGHT} actions already running`);
      return { action: name, outcome: 'failed', error: 'too many notifications in flight' };
    }
    this.inFlight++;
    const started = Date.now();
    try {
      const skipped = await act();
      if (skipped !== null) {
        counts.skipped++;
        this.deps.log.debug({ rule: notice.rule, action: name, session: notice.session.id }, `notification not shown: ${skipped}`);
        return { action: name, outcome: 'skipped', error: skipped };
      }
      counts.sent++;
      this.deps.log.debug({ rule: notice.rule, action: name, session: notice.session.id, ms: Date.now() - started }, 'notification sent');
      return { action: name, outcome: 'sent' };
    } catch (error) {
      counts.failed++;
      const message = (error as Error).message;
      this.deps.log.warn({ rule: notice.rule, action: name, session: notice.session.id, trigger: notice.trigger }, `notification failed: ${message}`);
      return { action: name, outcome: 'failed', error: message };
    } finally {
      this.inFlight--;
    }
  }

  private forget(id: string): void {
    this.busySince.delete(id);
    this.open.delete(id);
    for (const [key, p] of this.pending) {
      if (p.sessionId !== id) continue;
      clearTimeout(p.timer);
      this.pending.delete(key);
    }
  }

  private cancelAll(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}

function zero(): { sent: number; failed: number; skipped: number } {
  return { sent: 0, failed: 0, skipped: 0 };
}
