import type { SessionStatus } from '../../shared/protocol/model.js';

/**
 * The session status machine (DESIGN.md, "Status and its transitions"), in one place.
 * Requests are checked against it; anything else is an `invalid_state` error.
 *
 * | action    | from                                          | to        |
 * |-----------|-----------------------------------------------|-----------|
 * | start     | created, stopped, exited, crashed, suspended  | running   |
 * | stop      | running, paused                               | stopped   |
 * | pause     | running                                       | paused    |
 * | resume    | paused, suspended                             | running   |
 * | suspend   | running, paused                               | suspended |
 * | restore   | created, stopped, exited, crashed, suspended  | running   |
 * | restart   | any                                           | running   |
 * | exit      | running, paused (observed: the program ended) | exited    |
 * | crash     | running, paused (observed: the pane vanished) | crashed   |
 * | delete    | any                                           | (gone)    |
 *
 * `exit` from `paused` extends DESIGN.md's table: a paused program can still be
 * killed from outside, and that is recorded as what it is.
 */
export type SessionAction = 'start' | 'stop' | 'pause' | 'resume' | 'suspend' | 'restore' | 'restart' | 'exit' | 'crash';

const ENDED: SessionStatus[] = ['created', 'stopped', 'exited', 'crashed', 'suspended'];
const LIVE: SessionStatus[] = ['running', 'paused'];
const ALL: SessionStatus[] = [...ENDED, ...LIVE];

const RULES: Record<SessionAction, { from: readonly SessionStatus[]; to: SessionStatus }> = {
  start: { from: ENDED, to: 'running' },
  stop: { from: LIVE, to: 'stopped' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused', 'suspended'], to: 'running' },
  suspend: { from: LIVE, to: 'suspended' },
  restore: { from: ENDED, to: 'running' },
  restart: { from: ALL, to: 'running' },
  exit: { from: LIVE, to: 'exited' },
  crash: { from: LIVE, to: 'crashed' },
};

/** The status `action` leads to from `status`, or null when the transition is illegal. */
export function nextStatus(status: SessionStatus, action: SessionAction): SessionStatus | null {
  const rule = RULES[action];
  return rule.from.includes(status) ? rule.to : null;
}

export function isLive(status: SessionStatus): boolean {
  return LIVE.includes(status);
}
