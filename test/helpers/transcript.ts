import { TranscriptDataNotification, TranscriptFollowRequest, TranscriptUnfollowRequest, type TranscriptDataParams } from '../../shared/protocol/index.js';
import type { TestClient } from './client.js';
import { Wakeable } from './wait.js';

/**
 * Waits, on `transcript/data` notifications, until the session's transcript holds
 * `text`. A screen shows output a moment before the transcript has it (sessd-tap
 * batches for a couple of ms), and a checkpoint keeps what the transcript holds.
 */
export async function untilTranscript(client: TestClient, session: string, text: string): Promise<void> {
  const progress = new Wakeable();
  let followId = '';
  let data = '';
  const subscription = client.rpc.onNotification(TranscriptDataNotification.method, (p: TranscriptDataParams) => {
    if (p.followId !== followId) return;
    data += p.data;
    progress.wake();
  });
  try {
    followId = (await client.request(TranscriptFollowRequest, { session, from: 0 })).followId;
    await progress.until(() => (data.includes(text) ? true : undefined), () => `the transcript of ${session} does not hold ${JSON.stringify(text)}`);
  } finally {
    subscription.dispose();
    if (followId !== '') await client.request(TranscriptUnfollowRequest, { followId });
  }
}
