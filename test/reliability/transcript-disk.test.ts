import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResponseError } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  SessionCreateRequest,
  SessionCaptureRequest,
  SessionListRequest,
  SessionPauseRequest,
  SessionResumeRequest,
  SessionSendRequest,
  SessionTranscriptRequest,
  SessionUpdateRequest,
  TranscriptDataNotification,
  TranscriptFollowRequest,
  type TranscriptDataParams,
} from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { killTmuxServer, pathsIn, TestDaemon, timeout, type LogLine } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';
import { Wakeable } from '../helpers/wait.js';
import { figure, mib, rssOf } from './figures.js';
import { smallStateDir } from './tmpfs.js';

/** The state directory's filesystem: room for the stores and a few MiB of output, then full. */
const SMALL_FS = '6m';
/** After the "disk" is freed: room for everything the test writes afterwards. */
const LARGE_FS = '512m';
/** Transcript bytes kept per session: retention keeps the freed filesystem from filling again. */
const TRANSCRIPT_BYTES = 64 * 1024 * 1024;
/** Output stored after space returns before the test looks at what was kept. */
const AFTER_BYTES = 2 * 1024 * 1024;
/** How many daemon warnings about the full disk are acceptable: they are rate-limited, not one per flush. */
const MAX_FAILURE_WARNINGS = 40;
/**
 * The printer's screen ahead of what sessd received by this many lines means output
 * is being dropped (the tap holds at most its ring, 8 MiB, of what is not stored).
 */
const DROPPED_LINES = 20_000;
/** Nothing signals that a tap drops output: the screen is compared with what sessd received this often. */
const SCREEN_POLL_MS = 100;
/** Hang guard for output to be dropped once the disk is full: seconds at the printer's speed. */
const DROP_TIMEOUT_MS = 60_000;
/** Bytes read around the gap to check that the kept output is the printer's, in order. */
const WINDOW_BYTES = 512 * 1024;

const run = promisify(execFile);

/** A printer of numbered lines, as fast as bash goes; no echo, so typed input does not land inside its lines. */
/**
 * Numbered lines, 1,000 at a time every 20 ms (about 4 MB/s): far more than a full
 * disk lets sessd keep, so it falls behind and drops just as at full speed, without a
 * core spent printing while the test waits on the daemon. The pause is the program's
 * pace, not a wait for anything: `read -t` on a FIFO it holds open both ways, which
 * never has data, so no process is forked for it.
 */
const PRINTER = [
  '/bin/bash', '--norc', '--noprofile', '-c',
  'stty -echo; f=$(mktemp -u); mkfifo "$f"; exec 9<>"$f"; rm -f "$f"; i=0; while :; do for ((n = 0; n < 1000; n++)); do i=$((i+1)); printf "line-%09d-%s\\n" $i "................................................................"; done; read -t 0.02 -u 9; done',
];

function errorName(error: unknown): string {
  if (!(error instanceof ResponseError)) throw error;
  expect(error.code, error.message).not.toBe(-32603);
  return (error.data as { code?: string } | undefined)?.code ?? String(error.code);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return errorName(error);
  }
}

/** Line numbers of the complete printer lines in `text`, in order. */
function lineNumbers(text: string): number[] {
  return [...text.matchAll(/line-(\d{9})-\.{64}\r?\n/g)].map((m) => Number(m[1]));
}

describe('transcript on a full disk', () => {
  it('sessd stays up, refuses writes with storage_error, serves the rest, and continues the transcript with a gap once there is room', async () => {
    const T = 'transcripts/disk-full';
    const small = await smallStateDir(T, SMALL_FS);
    if (small === null) return;
    const { dir, state } = small;
    const paths = { ...pathsIn(dir), stateDir: state };
    await writeFile(join(dir, 'config.yaml'), `limits:\n  transcriptBytes: ${TRANSCRIPT_BYTES}\n`);
    let daemon: TestDaemon | undefined;
    let client: TestClient | undefined;
    try {
      const progress = new Wakeable();
      let followed = 0;
      /** The last printer line sessd received. */
      let lastLine = 0;
      let stopLogs = (): void => undefined;
      const startDaemon = async (): Promise<{ d: TestDaemon; c: TestClient }> => {
        stopLogs();
        const d = (daemon = await TestDaemon.start(paths, { args: ['--config', join(dir, 'config.yaml')] }));
        stopLogs = d.onLog(() => progress.wake());
        const c = (client = await TestClient.connect(paths.socket));
        c.rpc.onNotification(TranscriptDataNotification.method, (p: TranscriptDataParams) => {
          followed = p.from + Buffer.byteLength(p.data);
          lastLine = lineNumbers(p.data).at(-1) ?? lastLine;
          progress.wake();
        });
        return { d, c };
      };
      const logged = (d: TestDaemon, match: (l: LogLine) => boolean, what: string): Promise<LogLine> =>
        progress.until(() => d.logs.find(match), () => `no log line: ${what}`);
      let { d, c } = await startDaemon();
      const printer = await c.request(SessionCreateRequest, { name: 'printer', command: PRINTER, cwd: dir });
      await c.request(TranscriptFollowRequest, { session: printer.id });
      const rssStart = rssOf(d.pid);

      // The disk fills: flushes fail, the daemon stays up.
      const fullAt = Date.now();
      await logged(d, (l) => l.msg === 'writing transcripts failed', 'a failed transcript write');
      expect(isAlive(d.pid)).toBe(true);
      const refused = {
        send: await refusal(c.request(SessionSendRequest, { session: printer.id, text: 'x', submit: false })),
        update: await refusal(c.request(SessionUpdateRequest, { session: printer.id, context: { pad: 'y'.repeat(32 * 1024) } })),
      };
      expect(refused).toEqual({ send: 'storage_error', update: 'storage_error' });
      // Reads are served meanwhile, with what is held in memory too.
      expect((await c.request(DaemonStatusRequest, {})).pid).toBe(d.pid);
      expect((await c.request(SessionListRequest, {})).sessions.map((s) => s.id)).toContain(printer.id);
      expect((await c.request(SessionTranscriptRequest, { session: printer.id, maxBytes: 1 })).end).toBeGreaterThan(0);

      // A daemon stopped and started again on the full disk stops, comes up, and stays up while the taps resend.
      c.close();
      expect(await d.stop()).toBe(0);
      ({ d, c } = await startDaemon());
      await c.request(TranscriptFollowRequest, { session: printer.id });
      await logged(d, (l) => l.msg === 'writing transcripts failed', 'a failed transcript write after the restart');
      expect((await c.request(DaemonStatusRequest, {})).pid).toBe(d.pid);

      // Past what is held in memory, output is dropped (to be recorded as a gap): the screen runs ahead.
      const deadline = Date.now() + DROP_TIMEOUT_MS;
      for (;;) {
        const screen = lineNumbers(`${(await c.request(SessionCaptureRequest, { session: printer.id })).text.replaceAll('\n', '\r\n')}\r\n`).at(-1) ?? 0;
        if (screen > lastLine + DROPPED_LINES) break;
        if (Date.now() > deadline) throw new Error(`no output dropped: screen at line ${screen}, sessd at ${lastLine}`);
        await timeout(SCREEN_POLL_MS);
      }
      const fullFor = Date.now() - fullAt;
      const rssFull = rssOf(d.pid);
      expect(isAlive(d.pid)).toBe(true);

      // Room again: the transcript continues, with a gap mark where output was lost.
      await run('mount', ['-o', `remount,size=${LARGE_FS}`, state]);
      const freedAt = Date.now();
      const endAtFree = (await c.request(SessionTranscriptRequest, { session: printer.id, maxBytes: 1 })).end;
      const stored = await progress.until(async () => {
        if (followed < endAtFree + AFTER_BYTES) return undefined;
        const r = await c.request(SessionTranscriptRequest, { session: printer.id, from: endAtFree, maxBytes: 1 });
        return r.end >= endAtFree + AFTER_BYTES ? r : undefined;
      }, () => `the transcript did not grow by ${AFTER_BYTES} after space returned (followed to ${followed}, from ${endAtFree})`);
      const resumedMs = Date.now() - freedAt;
      await logged(d, (l) => l.msg === 'transcripts are written again', 'transcripts written again');
      // The printer stops while what was kept is examined: at its speed (~5 MB/s here) it
      // passes TRANSCRIPT_BYTES within seconds, and retention would drop the gap and the
      // output around it (a read from before the oldest kept byte starts at that byte).
      await c.request(SessionPauseRequest, { session: printer.id });
      const whole = await c.request(SessionTranscriptRequest, { session: printer.id, from: 0, maxBytes: 1 });
      const gaps = (await marksOf(c, printer.id, whole.from, stored.end)).filter((m) => m.kind === 'gap');
      expect(gaps.length).toBeGreaterThan(0);
      const gap = gaps.at(-1)!;
      // Kept output is the printer's, in order: contiguous up to the gap, and after it.
      const from = Math.max(whole.from, gap.at - WINDOW_BYTES);
      const before = await c.request(SessionTranscriptRequest, { session: printer.id, from, maxBytes: gap.at - from });
      const after = await c.request(SessionTranscriptRequest, { session: printer.id, from: gap.at, maxBytes: WINDOW_BYTES });
      expect([before.from, after.from], 'the reads start where asked: nothing around the gap was dropped').toEqual([from, gap.at]);
      const [b, a] = [lineNumbers(before.data), lineNumbers(after.data)];
      expect(b.length).toBeGreaterThan(0);
      expect(a.length).toBeGreaterThan(0);
      for (const lines of [b, a]) for (let i = 1; i < lines.length; i++) expect(lines[i], `line after ${lines[i - 1]}`).toBe(lines[i - 1]! + 1);
      expect(a[0]!).toBeGreaterThan(b.at(-1)! + 1);
      expect(isAlive(d.pid)).toBe(true);
      // Writes are accepted again (a program that sessd found running at its start counts
      // as starting: a message waits for it to be ready, up to STARTING_READY_MS).
      await c.request(SessionResumeRequest, { session: printer.id });
      expect(await refusal(c.request(SessionSendRequest, { session: printer.id, text: 'z', submit: false }))).toBe('accepted');
      const warnings = d.logs.filter((l) => l.msg === 'writing transcripts failed').length;
      expect(warnings).toBeLessThan(MAX_FAILURE_WARNINGS);
      stopLogs();
      figure(T, 'state filesystem before / after freeing', `${SMALL_FS} / ${LARGE_FS}`);
      figure(T, 'full (a stop and start included) until output was being dropped', fullFor, 'ms');
      figure(T, 'requests that write, while full', JSON.stringify(refused));
      figure(T, 'failed-write warnings logged by the restarted daemon', warnings);
      figure(T, 'gap marks / bytes recorded lost (reason)', `${gaps.length} / ${gaps.map((g) => `${g.bytes ?? '?'} (${g.reason ?? '?'})`).join(', ')}`);
      figure(T, 'from freeing space to 2 MiB more stored', resumedMs, 'ms');
      figure(T, 'daemon RSS at start / while full', `${mib(rssStart).toFixed(1)} / ${mib(rssFull).toFixed(1)}`, 'MiB');
    } finally {
      client?.close();
      try {
        if (daemon !== undefined) await daemon.stop();
      } finally {
        await killTmuxServer(paths.tmuxSocket);
        await run('umount', [state]);
      }
    }
  });
});

async function marksOf(c: TestClient, session: string, from: number, to: number): Promise<{ kind: string; at: number; bytes?: number | null; reason?: string }[]> {
  const marks: { kind: string; at: number; bytes?: number | null; reason?: string }[] = [];
  for (let at = from; at < to; ) {
    const r = await c.request(SessionTranscriptRequest, { session, from: at, maxBytes: 4 * 1024 * 1024, encoding: 'base64' });
    marks.push(...r.marks);
    if (r.to <= at) break;
    at = r.to;
  }
  return marks;
}
