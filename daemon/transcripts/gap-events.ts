import type { Logger } from 'pino';
import type { Committer } from '../sessions/commit.js';
import type { TranscriptService } from './service.js';

/**
 * Makes each recorded transcript gap a `transcript.gap` event too. A store that
 * refuses the event (disk full) still has the gap mark in the transcript; the failure
 * is logged. Returns the unsubscription.
 */
export function publishGaps(transcripts: Pick<TranscriptService, 'onGap'>, committer: Committer, log: Logger): () => void {
  return transcripts.onGap((sessionId, gap) => {
    committer
      .commit({ events: [{ type: 'transcript.gap', sessionId, data: { ...gap } }] })
      .catch((err: unknown) => log.warn({ err, session: sessionId }, 'recording a transcript gap as an event failed'));
  });
}
