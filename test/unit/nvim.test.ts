import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/daemon.js';
import { describeRun, nvimVersion, runNvim } from '../helpers/nvim.js';

describe('the Neovim plugin, pure parts (in headless Neovim)', () => {
  it('runs on Neovim 0.7 or newer', () => {
    const version = nvimVersion();
    expect(version, 'nvim is not installed: `apt-get install neovim` (.ci/run does)').not.toBeNull();
    const [major, minor] = version!.replace(/^NVIM v/, '').split('.').map(Number);
    expect(major! > 0 || minor! >= 7, version!).toBe(true);
  });

  it('frames, resolves the socket, keeps sessions from events, notifies waiting, lists and selects', async () => {
    const run = await runNvim('unit.lua', { dir: await tempDir('nv') });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).toBe('');
    expect(run.stdout).toContain('lua test passed');
  });

  it('fails on a Lua error, though headless Neovim would exit 0', async () => {
    const run = await runNvim('fails.lua', { dir: await tempDir('nv') });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('lua test failed');
    expect(run.stderr).toContain('deliberate');
  });
});
