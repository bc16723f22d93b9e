import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TranscriptDataNotification } from '../../shared/protocol/index.js';
import { guard, type BenchDaemon } from './env.js';

/** A transcript being followed for a marker; `seen` settles once it shows up (or rejects after the hang guard). */
export interface TranscriptWatch {
  seen: Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Follows the session's transcript from `from` (default: its start; with `after`,
 * its current end) and resolves `seen` once it shows `marker` (after `after`, when
 * given). Only a tail of the text is kept, so a long stream costs no more than its
 * length. The follow is set up before this returns, so the caller can time what
 * comes next without timing the set-up.
 */
export async function watchTranscript(daemon: BenchDaemon, session: string, marker: string, options: { after?: string; from?: number } = {}): Promise<TranscriptWatch> {
  const { client } = daemon;
  const { after } = options;
  let tail = '';
  let passed = after === undefined;
  let off = (): void => undefined;
  // Data can arrive before the follow's reply names its id: hold it until then.
  const early: { followId: string; data: string }[] = [];
  let followId: string | undefined = undefined;
  let consume = (data: string): void => void data;
  const seen = new Promise<void>((resolve) => {
    consume = (data: string): void => {
      tail += data;
      if (!passed) {
        const at = tail.indexOf(after!);
        if (at === -1) {
          tail = tail.slice(-after!.length);
          return;
        }
        passed = true;
        tail = tail.slice(at + after!.length);
      }
      if (tail.includes(marker)) resolve();
      else tail = tail.slice(-marker.length);
    };
    off = client.on(TranscriptDataNotification, (p) => {
      if (followId === undefined) early.push(p);
      else if (p.followId === followId) consume(p.data);
    });
  });
  const from = options.from ?? (after === undefined ? 0 : await transcriptEnd(daemon, session));
  followId = (await client.transcript.follow({ session, from })).followId;
  for (const p of early) if (p.followId === followId) consume(p.data);
  const id = followId;
  return {
    seen: guard(seen, `${marker} in the transcript of ${session}`),
    dispose: async () => {
      off();
      await client.transcript.unfollow({ followId: id });
    },
  };
}

/** Resolves once the session's transcript shows `marker` (see watchTranscript). */
export async function untilTranscript(daemon: BenchDaemon, session: string, marker: string, options: { after?: string; from?: number } = {}): Promise<void> {
  const watch = await watchTranscript(daemon, session, marker, options);
  try {
    await watch.seen;
  } finally {
    await watch.dispose();
  }
}

/** Where the session's transcript ends now (its byte offset). */
export async function transcriptEnd(daemon: BenchDaemon, session: string): Promise<number> {
  return (await daemon.client.session.transcript({ session, maxBytes: 1 })).end;
}

/**
 * `tmux -C new-session -s NAME -- COMMAND` as one process: a control client creates
 * the session and reports its pane's output, so the first output that includes
 * `marker` is seen without anything attached beforehand. Resolves with the ms from
 * the spawn to that output, once the client has gone (it detaches when its stdin
 * closes; the session stays).
 */
export async function newSessionUntilOutput(socket: string, name: string, command: string[], marker: string): Promise<number> {
  const start = performance.now();
  const child = spawn('tmux', ['-S', socket, '-C', 'new-session', '-s', name, '--', ...command], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    return await guard(
      new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.startsWith('%output ') && line.includes(marker)) resolve(performance.now() - start);
        });
        child.once('exit', (code) => reject(new Error(`tmux -C new-session exited (${code}) before ${marker} was printed`)));
      }),
      `${marker} from tmux new-session ${name}`,
    );
  } finally {
    child.stdin.end();
    await exited;
  }
}
