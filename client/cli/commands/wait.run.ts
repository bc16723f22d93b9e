import type { Session, SessionStatus } from '../../../shared/protocol/model.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import { EXIT } from '../failure.js';
import { ref, visible } from '../output.js';
import type { Input } from '../spec.js';
import type { spec, WAIT_STATES } from './wait.js';

type Target = (typeof WAIT_STATES)[number];

/** Statuses in which the program no longer runs. */
const ENDED: readonly SessionStatus[] = ['exited', 'stopped', 'crashed', 'suspended'];

interface State {
  status: string;
  activity: string;
}

function reached(target: Target, s: State): boolean {
  if (target === 'exited') return ENDED.includes(s.status as SessionStatus);
  if (target === 'running') return s.status === 'running';
  return s.status === 'running' && s.activity === target;
}

type Outcome = { kind: 'reached' } | { kind: 'impossible'; why: string } | { kind: 'timeout' } | { kind: 'closed' };

/**
 * Subscribes to the session's events first, then reads its state, so that a change
 * between the two is seen either way; then waits on events alone.
 */
export async function run({ session: name, until, timeout }: Input<typeof spec>, ctx: Context): Promise<number> {
  if (until === undefined) throw new UsageError('say what to wait for: --until idle, waiting, exited or running', 'wait');
  const client = await ctx.connect();
  const first = await client.session.get({ session: name });
  let settle: (outcome: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const state: State = { status: first.status, activity: first.activity };
  let restartPolicy = first.restartPolicy;
  const check = (): void => {
    if (reached(until, state)) settle({ kind: 'reached' });
    else if (until !== 'exited' && ENDED.includes(state.status as SessionStatus) && restartPolicy === 'never') {
      settle({ kind: 'impossible', why: `it is ${state.status} and will not run again by itself` });
    }
  };
  const subscription = await client.subscribe({ sessions: [first.id], types: ['session.status', 'session.activity', 'session.updated', 'session.deleted'] }, (event) => {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'session.deleted') return settle({ kind: 'impossible', why: 'it was deleted' });
    if (event.type === 'session.updated' && typeof data.restartPolicy === 'string') restartPolicy = data.restartPolicy as Session['restartPolicy'];
    if (event.type === 'session.status' && typeof data.status === 'string') {
      state.status = data.status;
      if (data.status !== 'running') state.activity = 'unknown';
    }
    if (event.type === 'session.activity' && typeof data.activity === 'string') {
      state.status = 'running';
      state.activity = data.activity;
    }
    check();
  });
  const offClose = client.onClose(() => settle({ kind: 'closed' }));
  const timer = timeout === undefined ? undefined : setTimeout(() => settle({ kind: 'timeout' }), timeout);
  try {
    // The state now, read after subscribing: what changed before is in it, what changes after comes as events.
    const now = await client.session.get({ session: first.id });
    state.status = now.status;
    state.activity = now.activity;
    restartPolicy = now.restartPolicy;
    check();
    const result = await outcome;
    const who = visible(ref(first));
    switch (result.kind) {
      case 'reached':
        if (ctx.json) ctx.out.json({ session: first.id, until, reached: true, status: state.status, activity: state.activity });
        else ctx.out.line(`${who}: ${until}`);
        return EXIT.ok;
      case 'timeout':
        ctx.out.error(`sess: timed out waiting for ${who} to be ${until} (it is ${describe(state)})`);
        return EXIT.timeout;
      case 'impossible':
        ctx.out.error(`sess: ${who} will not be ${until}: ${result.why}`);
        return EXIT.failed;
      case 'closed':
        ctx.out.error(`sess: sessd went away while waiting for ${who} to be ${until}`);
        return EXIT.unreachable;
    }
  } finally {
    clearTimeout(timer);
    offClose();
    await subscription.dispose().catch(() => undefined); // the connection may be gone; nothing is left to undo then
  }
}

function describe(s: State): string {
  return s.status === 'running' ? `running, ${s.activity}` : s.status;
}
