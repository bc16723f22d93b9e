import { execFile } from 'node:child_process';
import { cp, open, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { killTmuxServer, pathsIn, tempDir, TestDaemon, type DaemonPaths } from '../helpers/daemon.js';

const run = promisify(execFile);
const servers: string[] = [];

afterAll(async () => {
  for (const socket of servers) await killTmuxServer(socket);
});

/** A state dir holding one session and a backup of the store, with no daemon running. */
async function stateWithBackup(): Promise<{ paths: DaemonPaths; id: string }> {
  const paths = pathsIn(await tempDir());
  servers.push(paths.tmuxSocket);
  const config = join(paths.dir, 'config.yaml');
  await writeFile(config, 'limits: {backupInterval: 50ms}\n');
  const daemon = await TestDaemon.start(paths, { args: ['--config', config] });
  const client = await TestClient.connect(paths.socket);
  const { id } = await client.request(SessionCreateRequest, { name: 'kept', command: ['sleep', '1000'], cwd: paths.dir });
  // The second backup finished after the create began after it (the first may have
  // been under way already), so it holds the session.
  const before = new Set(daemon.logs);
  const first = await daemon.waitForLog((l) => l.msg === 'store backed up' && !before.has(l));
  await daemon.waitForLog((l) => l.msg === 'store backed up' && !before.has(l) && l !== first);
  client.close();
  await daemon.stop();
  return { paths, id };
}

/** Damages the store the way a crash of the disk or a careless copy does. */
const DAMAGE = {
  'a 0-byte data.mdb': { match: 'data.mdb is empty (0 bytes)', damage: (file: string) => truncate(file, 0) },
  'a half-length data.mdb': {
    match: 'data.mdb is shorter than its header says',
    damage: async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2 / 4096) * 4096),
  },
  'a zeroed header': {
    match: 'data.mdb has no readable header',
    damage: async (file: string) => {
      const handle = await open(file, 'r+');
      await handle.write(Buffer.alloc(2 * 4096), 0, 2 * 4096, 0);
      await handle.close();
    },
  },
} as const;

describe('a damaged store', () => {
  for (const [what, { match, damage }] of Object.entries(DAMAGE)) {
    it(`with ${what} is refused with what happened and where the backup is, and the backup brings the session back`, async () => {
      const { paths, id } = await stateWithBackup();
      const storeDir = join(paths.stateDir, 'store');
      await damage(join(storeDir, 'data.mdb'));

      const refused = TestDaemon.spawn(paths);
      const { code, signal } = await refused.exited;
      expect(signal).toBeNull(); // never a SIGBUS or SIGSEGV
      expect(code).toBe(1);
      expect(refused.stderr).toContain(`the store at ${storeDir} is damaged: ${match}`);
      expect(refused.stderr).toContain(`is at ${storeDir}-backup`);
      expect(refused.stderr).toContain('To start fresh instead');

      // What the message says to do works.
      await rename(storeDir, `${storeDir}.damaged`);
      await cp(`${storeDir}-backup`, storeDir, { recursive: true });
      const daemon = await TestDaemon.start(paths);
      const client = await TestClient.connect(paths.socket);
      expect(await client.request(SessionGetRequest, { session: id })).toMatchObject({ name: 'kept', status: 'running' });
      client.close();
      await daemon.stop();
    });
  }

  it('of transcripts is refused too, saying that sessions are kept', async () => {
    const { paths } = await stateWithBackup();
    await truncate(join(paths.stateDir, 'transcripts', 'data.mdb'), 0);
    const refused = TestDaemon.spawn(paths);
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr).toContain(`the store at ${join(paths.stateDir, 'transcripts')} is damaged: data.mdb is empty`);
    expect(refused.stderr).toContain('sessions and checkpoints are kept');
  });

  it('backup is an LMDB copy that opens on its own', async () => {
    const { paths } = await stateWithBackup();
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `import { open } from 'lmdb'; const root = open({ path: ${JSON.stringify(join(paths.stateDir, 'store-backup'))}, maxDbs: 16 }); console.log(root.openDB({ name: 'sessions' }).getKeysCount()); await root.close();`,
    ], { cwd: join(import.meta.dirname, '..', '..') });
    expect(Number(stdout.trim())).toBe(1);
  });
});
