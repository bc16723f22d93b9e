import { defineCommand } from '../spec.js';

/** `sess events`: events/subscribe. */
export const spec = defineCommand({
  name: 'events',
  group: 'Watching',
  summary: 'Print events (sessions created, status changes, ...)',
  description: 'Prints stored events from SEQ (default: the last 20), then exits; with -f, keeps printing new ones as they happen, and carries on after the last one seen when sessd restarts.',
  options: {
    follow: { alias: 'f', type: 'boolean', description: 'Keep printing new events' },
    from: { type: 'number', value: 'SEQ', description: 'Start at this event number' },
    type: { type: 'strings', value: 'TYPE', description: 'Only this event type, e.g. session.status (repeat for several)' },
    session: { type: 'strings', value: 'SESSION', description: 'Only this session (repeat for several)' },
  },
  examples: ['sess events', 'sess events -f --type session.status', 'sess events -f --json'],
});
