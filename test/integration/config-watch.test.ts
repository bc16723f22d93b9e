import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonStatusRequest, SessionCreateRequest } from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { killTmuxServer, pathsIn, tempDir, TestDaemon } from '../helpers/daemon.js';

const stop: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stop.reverse()) await s();
});

describe('the config file', () => {
  it('is applied when it is created after start-up, in directories that did not exist either', async () => {
    const paths = pathsIn(await tempDir());
    // Neither $XDG_CONFIG_HOME nor its parent exists when sessd starts.
    const configHome = join(paths.dir, 'home', 'config');
    const daemon = await TestDaemon.start(paths, { env: { XDG_CONFIG_HOME: configHome, SESSD_CONFIG: '' } });
    stop.push(() => killTmuxServer(paths.tmuxSocket), () => daemon.stop());
    const client = await TestClient.connect(paths.socket);
    stop.push(() => Promise.resolve(client.close()));
    expect((await client.request(DaemonStatusRequest, {})).config.loaded).toBe(false);

    await mkdir(join(configHome, 'sessd'), { recursive: true });
    await writeFile(join(configHome, 'sessd', 'config.yaml'), 'defaults: {labels: {from: config}}\n');
    await daemon.waitForLog((l) => l.msg === 'config reloaded');
    const status = await client.request(DaemonStatusRequest, {});
    expect(status.config).toMatchObject({ loaded: true, file: join(configHome, 'sessd', 'config.yaml') });
    const s = await client.request(SessionCreateRequest, { command: ['sleep', '1000'], cwd: paths.dir });
    expect(s.labels).toEqual({ from: 'config' });
  });
});
