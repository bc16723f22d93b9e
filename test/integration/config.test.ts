import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DaemonStatusRequest,
  ProviderListRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SpaceListRequest,
  TemplateDeleteRequest,
  TemplateGetRequest,
  TemplateListRequest,
  TemplateSetRequest,
  type SessionCreateParams,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';

const INITIAL = `
defaults:
  env: {LAYER: defaults}
templates:
  from-file:
    command: [/bin/sh]
    labels: {made: by-file}
`;

const h = useDaemon({ config: INITIAL });
const configFile = (): string => join(h.dir, 'config.yaml');

/** Writes the config file (in place, or to a temp file renamed over it) and waits until sessd has applied or refused it. */
async function save(text: string, how: 'in-place' | 'rename', expect: 'reloaded' | 'refused'): Promise<void> {
  const before = h.daemon.logs.length;
  const seen = h.daemon.waitForLog((l) => h.daemon.logs.indexOf(l) >= before && (expect === 'reloaded' ? l.msg === 'config reloaded' : l.msg.startsWith('config not reloaded')));
  if (how === 'in-place') {
    await writeFile(configFile(), text);
  } else {
    // An editor's atomic save: a new file (a new inode) renamed over the old one.
    await writeFile(`${configFile()}.tmp`, text);
    await rename(`${configFile()}.tmp`, configFile());
  }
  await seen;
}

const dryRun = (params: SessionCreateParams = {}) =>
  h.client.request(SessionCreateRequest, { command: ['/bin/sh'], cwd: h.dir, ...params, dryRun: true });

describe('the config file, edited while sessd runs', () => {
  it('changes the defaults of the next session/create, also after a write-then-rename save', async () => {
    expect((await dryRun()).env).toEqual({ LAYER: 'defaults' });
    await save('defaults:\n  env: {LAYER: edited}\n  labels: {team: web}\n', 'in-place', 'reloaded');
    const created = await h.client.request(SessionCreateRequest, { name: 'after-edit', command: ['sleep', '1000'], cwd: h.dir });
    expect(created).toMatchObject({ env: { LAYER: 'edited' }, labels: { team: 'web' } });
    await h.client.request(SessionDeleteRequest, { session: created.id, force: true });

    await save('defaults:\n  env: {LAYER: renamed}\n', 'rename', 'reloaded');
    expect((await dryRun()).env).toEqual({ LAYER: 'renamed' });
    await save('defaults:\n  env: {LAYER: renamed-again}\n', 'rename', 'reloaded');
    expect((await dryRun()).env).toEqual({ LAYER: 'renamed-again' });
    const status = await h.client.request(DaemonStatusRequest, {});
    expect(status.config).toMatchObject({ file: configFile(), loaded: true, error: null, reloads: 3 });
  });

  it('keeps the last good config when an edit is invalid, says where in daemon/status, and takes the fix', async () => {
    await save('defaults:\n  env: {LAYER: good}\n', 'in-place', 'reloaded');
    await save('defaults:\n  env: {LAYER: bad}\n  restartPolicy: sometimes\n', 'rename', 'refused');
    const status = await h.client.request(DaemonStatusRequest, {});
    expect(status.config).toMatchObject({ file: configFile(), loaded: true });
    expect(status.config.problem).toMatchObject({ file: configFile(), line: 3, field: 'defaults.restartPolicy' });
    expect(status.config.error).toContain(`${configFile()}:3:`);
    expect((await dryRun()).env).toEqual({ LAYER: 'good' });

    await save('defaults:\n  env: {LAYER: good}\n  colour: blue\n', 'in-place', 'refused');
    expect((await h.client.request(DaemonStatusRequest, {})).config.problem).toMatchObject({ line: 3, column: 3, field: 'defaults.colour' });
    await save('defaults: [not, a, map\n', 'in-place', 'refused');
    expect((await h.client.request(DaemonStatusRequest, {})).config.error).toContain('not valid YAML');
    expect((await dryRun()).env).toEqual({ LAYER: 'good' });

    await save('defaults:\n  env: {LAYER: fixed}\n', 'rename', 'reloaded');
    expect((await h.client.request(DaemonStatusRequest, {})).config).toMatchObject({ loaded: true, error: null, problem: null });
    expect((await dryRun()).env).toEqual({ LAYER: 'fixed' });
  });
});

describe('precedence', () => {
  it('is built-in < defaults < space < template < request, field by field and key by key', async () => {
    await save(
      `defaults:
  cwd: ${h.dir}
  env: {A: defaults, B: defaults, C: defaults, D: defaults}
  labels: {team: core}
  restartPolicy: on-failure
  size: 100x30
spaces:
  work:
    env: {B: space, C: space, D: space}
    agent: shell
    size: {cols: 90, rows: 25}
templates:
  layered:
    space: work
    command: [/bin/sh, -c, 'sleep 1000']
    env: {C: template, D: template}
    agent: generic
    sessionType: worker
`,
      'rename',
      'reloaded',
    );
    const session = await h.client.request(SessionCreateRequest, { template: 'layered', env: { D: 'request' }, labels: { x: 'y' }, dryRun: true });
    expect(session).toMatchObject({
      id: '',
      space: 'work',
      command: ['/bin/sh', '-c', 'sleep 1000'],
      cwd: h.dir,
      env: { A: 'defaults', B: 'space', C: 'template', D: 'request' },
      labels: { team: 'core', x: 'y' },
      restartPolicy: 'on-failure',
      size: { cols: 90, rows: 25 },
      agent: 'generic',
      sessionType: 'worker',
    });
    expect(session.resolution).toEqual({
      dryRun: true,
      template: { name: 'layered', source: 'config' },
      sources: {
        name: 'builtin',
        space: 'template',
        command: 'template',
        cwd: 'defaults',
        agent: 'template',
        restartPolicy: 'defaults',
        size: 'space',
        sessionType: 'template',
        'env.A': 'defaults',
        'env.B': 'space',
        'env.C': 'template',
        'env.D': 'request',
        'labels.team': 'defaults',
        'labels.x': 'request',
      },
    });
    // The request's own space picks that space's layer (none here), not the template's.
    const elsewhere = await h.client.request(SessionCreateRequest, { template: 'layered', space: 'other', dryRun: true });
    expect(elsewhere).toMatchObject({ space: 'other', size: { cols: 100, rows: 30 }, env: { B: 'defaults' } });
    expect(elsewhere.resolution!.sources).toMatchObject({ space: 'request', size: 'defaults', 'env.B': 'defaults' });
    // A dry run creates nothing.
    expect((await h.client.request(SpaceListRequest, {})).spaces.find((s) => s.name === 'work')).toMatchObject({ sessions: 0, configured: true });
  });
});

describe('templates', () => {
  it('are stored over RPC, used by session/create, and lose to a config template of the same name', async () => {
    await save('templates:\n  shared: {command: [/bin/sh], labels: {from: file}}\n', 'rename', 'reloaded');
    const stored = await h.client.request(TemplateSetRequest, { template: { name: 'mine', command: ['sleep', '1000'], labels: { from: 'rpc' }, cwd: h.dir } });
    expect(stored).toMatchObject({ name: 'mine', source: 'rpc', shadowedBy: null });
    const hidden = await h.client.request(TemplateSetRequest, { template: { name: 'shared', labels: { from: 'rpc' } } });
    expect(hidden).toMatchObject({ source: 'rpc', shadowedBy: 'config' });

    expect(await h.client.request(TemplateGetRequest, { name: 'shared' })).toMatchObject({ source: 'config', shadows: 'rpc', labels: { from: 'file' } });
    const { templates } = await h.client.request(TemplateListRequest, {});
    expect(templates.map((t) => [t.name, t.source])).toEqual([['mine', 'rpc'], ['shared', 'config']]);

    const fromRpc = await h.client.request(SessionCreateRequest, { template: 'mine', name: 'from-rpc' });
    expect(fromRpc).toMatchObject({ template: 'mine', command: ['sleep', '1000'], labels: { from: 'rpc' }, status: 'running' });
    const fromFile = await h.client.request(SessionCreateRequest, { template: 'shared', cwd: h.dir, dryRun: true });
    expect(fromFile.resolution!.template).toEqual({ name: 'shared', source: 'config' });
    expect(fromFile.labels).toEqual({ from: 'file' });

    await expectError(h.client.request(SessionCreateRequest, { template: 'nope' }), -32008, 'template_not_found');
    await expectError(h.client.request(TemplateSetRequest, { template: { name: 'bad', cwd: 'relative' } }), -32602, 'invalid_params');
    await h.client.request(TemplateDeleteRequest, { name: 'mine' });
    await expectError(h.client.request(TemplateGetRequest, { name: 'mine' }), -32008, 'template_not_found');
    // Removing the stored one leaves the config's; a config-only template is edited in the file.
    await h.client.request(TemplateDeleteRequest, { name: 'shared' });
    const e = await expectError(h.client.request(TemplateDeleteRequest, { name: 'shared' }), -32005, 'invalid_config');
    expect(e.message).toContain(configFile());
    await h.client.request(SessionDeleteRequest, { session: fromRpc.id, force: true });
  });

  it('survive a restart (stored in LMDB)', async () => {
    await h.client.request(TemplateSetRequest, { template: { name: 'durable', command: ['/bin/sh'] } });
    await h.daemon.stop();
    await h.restart();
    expect(await h.client.request(TemplateGetRequest, { name: 'durable' })).toMatchObject({ source: 'rpc', command: ['/bin/sh'] });
  });
});

describe('spaces, providers and resource limits', () => {
  it('lists spaces with counts, and the backend with its version and what it can enforce', async () => {
    const a = await h.client.request(SessionCreateRequest, { space: 'counted', name: 'a', command: ['sleep', '1000'], cwd: h.dir });
    const b = await h.client.request(SessionCreateRequest, { space: 'counted', name: 'b', command: ['sleep', '1000'], cwd: h.dir, start: false });
    const counted = (await h.client.request(SpaceListRequest, {})).spaces.find((s) => s.name === 'counted');
    expect(counted).toEqual({ name: 'counted', sessions: 2, byStatus: { running: 1, created: 1 }, configured: false });

    const [tmux] = (await h.client.request(ProviderListRequest, {})).providers;
    expect(tmux).toMatchObject({ name: 'tmux', available: true });
    expect(tmux!.version).toMatch(/^\d+\.\d+/);
    expect(tmux!.capabilities).toEqual(expect.arrayContaining(['pause', 'capture', ...tmux!.resourceLimits.fields.map((f) => `limits.${f}`)]));
    for (const s of [a, b]) await h.client.request(SessionDeleteRequest, { session: s.id, force: true });
  });

  it('runs a program under its limits, and refuses with invalid_config a limit the machine cannot enforce', async () => {
    const [tmux] = (await h.client.request(ProviderListRequest, {})).providers;
    const { fields } = tmux!.resourceLimits;
    expect(fields).toContain('openFiles'); // prlimit is part of util-linux, installed everywhere sessd runs
    const limited = await h.client.request(SessionCreateRequest, { command: ['sleep', '1000'], cwd: h.dir, limits: { openFiles: 123 } });
    expect(limited.limits).toEqual({ openFiles: 123 });
    expect(readFileSync(`/proc/${limited.pid}/limits`, 'utf8')).toMatch(/Max open files\s+123\s+123/);
    await h.client.request(SessionDeleteRequest, { session: limited.id, force: true });

    if (!fields.includes('memoryMax')) {
      const e = await expectError(dryRun({ limits: { memoryMax: 1 << 30 } }), -32005, 'invalid_config');
      expect(e.data).toMatchObject({ field: 'limits.memoryMax' });
      expect(e.message).toContain('systemd user manager');
    } else {
      expect((await dryRun({ limits: { memoryMax: 1 << 30 } })).limits).toEqual({ memoryMax: 1 << 30 });
    }
  });
});
