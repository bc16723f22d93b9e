import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGED_PATHS, serviceUnit, socketUnit } from '../../client/cli/systemd-units.js';
import { parseConfigText } from '../../daemon/config/config.js';
import { resolveCreate } from '../../daemon/config/resolve.js';
import { parseBytes } from '../../daemon/config/schema.js';
import { RotatingFile } from '../../daemon/log-file.js';
import { redactSecrets } from '../../daemon/log.js';
import { REPO } from '../helpers/daemon.js';

const HOME = '/home/u';
const problem = (file: string, text: string) => {
  const parsed = parseConfigText(file, text, HOME);
  if (!('problem' in parsed)) throw new Error('expected a problem');
  return parsed.problem;
};

describe('config file parsing', () => {
  it('names the file, line, column and field of a bad value, an unknown field, and a syntax error', () => {
    expect(problem('/c.yaml', 'limits:\n  sessions: 5\n  events: lots\n')).toMatchObject({ file: '/c.yaml', line: 3, column: 11, field: 'limits.events' });
    expect(problem('/c.yaml', 'templates:\n  a:\n    command: [x]\n    comand: [y]\n')).toMatchObject({ line: 4, column: 5, field: 'templates.a.comand' });
    expect(problem('/c.yaml', 'defaults:\n  env: {A: [1]}\n')).toMatchObject({ line: 2, field: 'defaults.env.A' });
    expect(problem('/c.yaml', 'a: [\n').message).toMatch(/^not valid YAML/);
    expect(problem('/c.json', '{\n  "limits": {"sessions": 0}\n}')).toMatchObject({ line: 2, field: 'limits.sessions' });
    expect(problem('/c.json', '{\n  "limits": 1,\n}')).toMatchObject({ line: 3, field: null });
    // An agent profile is checked as the activity tracker reads it.
    expect(problem('/c.yaml', 'agents:\n  bot:\n    idle:\n      - "^ok>$"\n      - "(unclosed"\n')).toMatchObject({ line: 5, field: 'agents.bot.idle.1' });
    expect(problem('/c.yaml', 'agents:\n  bot:\n    extends: nothing\n')).toMatchObject({ line: 3, field: 'agents.bot.extends' });
  });

  it('expands ~ in paths, reads sizes and byte counts as text, and names templates', () => {
    const parsed = parseConfigText('/c.yaml', 'defaults: {cwd: ~/src, size: 100x30, limits: {memoryMax: 2G}}\ntemplates: {t: {agent: claude}}\nlog: {maxBytes: 1M}\n', HOME);
    if (!('config' in parsed)) throw new Error(JSON.stringify(parsed.problem));
    expect(parsed.config.defaults).toEqual({ cwd: '/home/u/src', size: { cols: 100, rows: 30 }, limits: { memoryMax: 2 * 1024 ** 3 } });
    expect(parsed.config.templates).toEqual({ t: { name: 't', agent: 'claude' } });
    expect(parsed.config.log.maxBytes).toBe(1024 * 1024);
    expect([parseBytes('512K'), parseBytes('1GiB'), parseBytes('x'), parseBytes(0)]).toEqual([524288, 1024 ** 3, null, null]);
  });
});

describe('precedence', () => {
  it('takes each field from the highest layer that sets it, and merges maps key by key', () => {
    const { values, sources } = resolveCreate(
      { env: { R: 'request' }, space: 's' },
      {
        defaults: { env: { D: 'd', R: 'd' }, restartPolicy: 'always' },
        spaces: { s: { env: { D: 'space' }, cwd: '/space' }, t: { cwd: '/other' } },
        template: { name: 't', space: 't', agent: 'codex', cwd: '/template' },
      },
      { shell: '/bin/zsh', home: HOME, size: { cols: 120, rows: 40 } },
    );
    expect(values).toMatchObject({ space: 's', cwd: '/template', env: { D: 'space', R: 'request' }, restartPolicy: 'always', agent: 'codex', command: ['/bin/zsh', '-l'] });
    expect(sources).toMatchObject({ space: 'request', cwd: 'template', 'env.D': 'space', 'env.R': 'request', restartPolicy: 'defaults', agent: 'template', command: 'builtin', size: 'builtin' });
  });
});

describe('logs', () => {
  it('redact secret-looking variables of env maps, at any depth', () => {
    const line = { msg: 'x', spec: { env: { GITHUB_TOKEN: 'abc', PATH: '/bin', X: 'ghp_abcdefghijklmnopqrstuvwxyz', OPENAI_API_KEY: 'sk' } } };
    expect(redactSecrets(line)).toEqual({ msg: 'x', spec: { env: { GITHUB_TOKEN: '[redacted]', PATH: '/bin', X: '[redacted]', OPENAI_API_KEY: '[redacted]' } } });
  });

  it('rotate the log file by size, keeping the configured number of old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessd-log-'));
    try {
      const file = new RotatingFile(join(dir, 'sessd.log'), 100, 2);
      for (let i = 0; i < 10; i++) file.write(`${String(i).repeat(39)}\n`);
      file.close();
      expect(readdirSync(dir).sort()).toEqual(['sessd.log', 'sessd.log.1', 'sessd.log.2']);
      // 40-byte lines, two to a 100-byte file: the newest two, then the two before them.
      expect(readFileSync(join(dir, 'sessd.log'), 'utf8')).toBe(`${'8'.repeat(39)}\n${'9'.repeat(39)}\n`);
      expect(readFileSync(join(dir, 'sessd.log.1'), 'utf8')).toBe(`${'6'.repeat(39)}\n${'7'.repeat(39)}\n`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('the units in systemd/', () => {
  it('are what `sess daemon install` writes, with the packaged paths', () => {
    expect(readFileSync(join(REPO, 'systemd', 'sessd.socket'), 'utf8')).toBe(socketUnit());
    expect(readFileSync(join(REPO, 'systemd', 'sessd.service'), 'utf8')).toBe(serviceUnit(PACKAGED_PATHS));
  });

  it('carry the PATH `sess daemon install` ran with, quoted for systemd', () => {
    const unit = serviceUnit({ ...PACKAGED_PATHS, path: '/home/me/bin:/opt/100%/bin:/usr/bin' });
    expect(unit).toContain('\nEnvironment="PATH=/home/me/bin:/opt/100%%/bin:/usr/bin"\n');
    expect(serviceUnit(PACKAGED_PATHS)).not.toContain('Environment=');
  });
});
