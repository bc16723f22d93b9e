import { describe, expect, it } from 'vitest';
import {
  SessionCreateRequest,
  SessionTranscriptRequest,
  TranscriptDataNotification,
  TranscriptFollowRequest,
  type TranscriptDataParams,
} from '../../shared/protocol/index.js';
import { useDaemon } from '../helpers/harness.js';
import { isAlive, processesMentioning } from '../helpers/processes.js';
import { Wakeable } from '../helpers/wait.js';

/** Output the new tap must bring in after the restart before the transcript is checked. */
const AFTER_BYTES = 256 * 1024;

/** Numbered lines as fast as bash goes; no echo, so nothing typed lands inside them. */
const PRINTER = ['/bin/bash', '--norc', '--noprofile', '-c', 'stty -echo; i=0; while :; do i=$((i+1)); printf "line-%09d\\n" $i; done'];

const h = useDaemon();

function lineNumbers(text: string): number[] {
  return [...text.matchAll(/line-(\d{9})\r?\n/g)].map((m) => Number(m[1]));
}

/** The pids of the taps of `session` (sessd-tap SOCKET SESSION PANEPID). */
function tapsOf(session: string): number[] {
  return processesMentioning(`${h.paths.tmuxSocket}.tap ${session} `)
    .filter((p) => p.cmdline.includes('sessd-tap') && isAlive(p.pid))
    .map((p) => p.pid);
}

describe('a tap killed while its pane prints', () => {
  it('is noticed and restarted; the loss is a gap mark and a transcript.gap event, and output after it is kept', async () => {
    const progress = new Wakeable();
    let followed = 0;
    const subscription = h.client.rpc.onNotification(TranscriptDataNotification.method, (p: TranscriptDataParams) => {
      followed = p.from + Buffer.byteLength(p.data);
      progress.wake();
    });
    const stopLogs = h.daemon.onLog(() => progress.wake());
    await h.client.subscribe({ types: ['transcript.gap'] });
    const s = await h.client.request(SessionCreateRequest, { name: 'printer', command: PRINTER, cwd: h.dir });
    await h.client.request(TranscriptFollowRequest, { session: s.id });
    await progress.until(() => (followed > AFTER_BYTES ? true : undefined), () => `no output followed (${followed})`);
    const [tap, ...others] = tapsOf(s.id);
    expect(tap, 'one tap per pane').toBeDefined();
    expect(others).toEqual([]);

    process.kill(tap!, 'SIGKILL');
    const event = await h.client.waitForEvent((e) => e.type === 'transcript.gap' && e.sessionId === s.id);
    expect(event.data).toMatchObject({ bytes: null, reason: 'tap-died' });
    const at = event.data.at as number;
    await progress.until(() => (followed > at + AFTER_BYTES ? true : undefined), () => `no output after the restart (followed to ${followed}, gap at ${at})`);
    const taps = tapsOf(s.id);
    expect(taps).toHaveLength(1);
    expect(taps[0]).not.toBe(tap);
    expect(h.daemon.logs.some((l) => l.msg === 'output tap died while its pane runs; starting a new one' && l.session === s.id)).toBe(true);

    // The transcript: the printer's lines in order up to the gap, a gap mark, then its lines in order again.
    const before = await h.client.request(SessionTranscriptRequest, { session: s.id, from: Math.max(0, at - AFTER_BYTES), maxBytes: at - Math.max(0, at - AFTER_BYTES) });
    const after = await h.client.request(SessionTranscriptRequest, { session: s.id, from: at, maxBytes: AFTER_BYTES });
    expect(after.marks).toContainEqual(expect.objectContaining({ at, kind: 'gap', bytes: null, reason: 'tap-died' }));
    const [b, a] = [lineNumbers(before.data), lineNumbers(after.data)];
    expect(b.length).toBeGreaterThan(100);
    expect(a.length).toBeGreaterThan(100);
    // The first line after the gap may be cut (the new tap starts mid-line); from the second on, in order.
    for (const run of [b, a.slice(1)]) for (let i = 1; i < run.length; i++) expect(run[i], `line after ${run[i - 1]}`).toBe(run[i - 1]! + 1);
    expect(a[1]!).toBeGreaterThan(b[b.length - 1]!);
    stopLogs();
    subscription.dispose();
  });
});
