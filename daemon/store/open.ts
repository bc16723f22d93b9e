import { join } from 'node:path';
import { TranscriptStore } from '../transcripts/store.js';
import { StoreDamaged, storeProblem } from './check.js';
import { Store } from './store.js';

/**
 * Opens the store and the transcripts' store beside it. A damaged transcripts
 * store stops the start (with what removing it would lose), the main store closed.
 */
export async function openStores(storeDir: string, stateDir: string): Promise<{ store: Store; transcriptStore: TranscriptStore }> {
  const store = await Store.open(storeDir);
  const transcriptsDir = join(stateDir, 'transcripts');
  const problem = await storeProblem(transcriptsDir);
  if (problem !== null) {
    await store.close();
    throw new StoreDamaged(transcriptsDir, problem, null, 'the output kept of every session is forgotten; sessions and checkpoints are kept');
  }
  return { store, transcriptStore: await TranscriptStore.open(transcriptsDir) };
}
