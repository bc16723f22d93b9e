import type { TranscriptService } from '../transcripts/service.js';

/** Output that pauses this long means the program is waiting for input. */
export const READY_QUIET_MS = 400;
/** A program that prints nothing at all is taken as ready after this long. */
export const SILENT_READY_MS = 2_000;

export interface ReadyOptions {
  /** Transcript offset from which to look (output before it is not this program's). */
  from: number;
  /** Output up to and including this text is not the program's (a restored session's preface). */
  after?: string | undefined;
  /** Gives up (resolves false) at this time, in ms since the epoch. */
  deadline: number;
  signal?: AbortSignal | undefined;
}

/**
 * Resolves true once the session's program is ready for input: it has printed
 * something (after `after`, if given) and its output has since settled for
 * READY_QUIET_MS; or it has printed nothing for SILENT_READY_MS. Resolves false at
 * the deadline or when aborted. Driven by output events and one timer, never polled.
 */
export function whenReady(transcripts: TranscriptService, session: string, options: ReadyOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const needle = options.after === undefined ? null : Buffer.from(options.after);
    let started = needle === null;
    let programSpoke = false;
    let seen = Buffer.alloc(0); // the tail still being searched for the needle
    let quiet: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (ready: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      clearTimeout(deadline);
      stop();
      options.signal?.removeEventListener('abort', abort);
      resolve(ready);
    };
    const abort = (): void => finish(false);
    const arm = (ms: number): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(true), ms);
    };
    const output = (chunk: Uint8Array): void => {
      let data = chunk;
      if (!started && needle !== null) {
        seen = Buffer.concat([seen, data]);
        const at = seen.indexOf(needle);
        if (at === -1) {
          seen = seen.subarray(Math.max(0, seen.length - needle.length));
          return;
        }
        started = true;
        data = seen.subarray(at + needle.length);
      }
      // What ends the preface's last line (attribute reset, CR, LF) is not the program's either.
      if (!programSpoke && needle !== null) {
        data = data.subarray(leadingTrim(data));
        if (data.length === 0) return arm(SILENT_READY_MS);
        programSpoke = true;
      }
      arm(READY_QUIET_MS);
    };
    const stop = transcripts.onOutput((id, _offset, data) => {
      if (id === session) output(data);
    });
    const deadline = setTimeout(() => finish(false), Math.max(0, options.deadline - Date.now()));
    options.signal?.addEventListener('abort', abort);
    arm(SILENT_READY_MS);
    // What the program printed before this call (the spawn returns after it started).
    const before = transcripts.read(session, options.from, SCAN_BYTES);
    if (before.bytes.length > 0) output(before.bytes);
  });
}

const RESET = Buffer.from('\x1b[0m');

/** How many bytes at the start of `data` are the preface's line end: `ESC[0m` (or its start), CR and LF. */
function leadingTrim(data: Uint8Array): number {
  let i = 0;
  for (;;) {
    const rest = Buffer.from(data.subarray(i, i + RESET.length));
    if (data[i] === 0x0d || data[i] === 0x0a) i++;
    else if (rest.length > 0 && RESET.subarray(0, rest.length).equals(rest)) i += rest.length;
    else return i;
  }
}

/** Output already there when the wait begins is scanned up to this much. */
const SCAN_BYTES = 16 * 1024 * 1024;
