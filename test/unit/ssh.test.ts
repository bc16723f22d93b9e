import { describe, expect, it } from 'vitest';
import { sshCommand, sshFailure, parseDestination, shellQuote } from '../../client/sdk/ssh.js';
import { HostsSchema } from '../../shared/hosts-schema.js';

describe('ssh destinations and commands', () => {
  it('reads [USER@]HOST[:PORT], bracketed IPv6, and refuses what ssh would take as options or shell', () => {
    expect(parseDestination('box')).toEqual({ host: 'box' });
    expect(parseDestination('me@box:2222')).toEqual({ user: 'me', host: 'box', port: 2222 });
    expect(parseDestination('[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(parseDestination('fe80::1')).toEqual({ host: 'fe80::1' });
    for (const bad of ['', '-oProxyCommand=x', 'a b', 'box:0', 'box:99999', 'box:x', '@box', 'box;rm', 'me@-x']) expect(parseDestination(bad), bad).toBeNull();
  });

  it('builds ssh argv: options, then -p, then the destination after --, then one quoted remote line', () => {
    const command = sshCommand({ destination: 'me@box:2222', sshArgs: ['-F', 'cfg'], remoteSess: '~/bin/sess' }, ['attach', '--', "it's"], { tty: true });
    expect(command).toEqual({ program: 'ssh', args: ['-F', 'cfg', '-t', '-p', '2222', '--', 'me@box', `~/bin/sess attach -- 'it'\\''s'`] });
    expect(sshCommand({ destination: 'box' }, ['proxy']).args).toEqual(['-T', '--', 'box', 'sess proxy']);
    expect(() => sshCommand({ destination: '-oProxyCommand=x' }, ['proxy'])).toThrow(/not a host/);
    expect(shellQuote('a$b')).toBe(`'a$b'`);
  });

  it('tells ssh failing, a missing sess and a failing proxy apart', () => {
    expect(sshFailure('h', { code: 255, signal: null, stderr: 'ssh: connect to host h port 22: Connection refused\r\n' })).toMatchObject({ reason: 'ssh', detail: 'ssh: connect to host h port 22: Connection refused' });
    expect(sshFailure('h', { code: 127, signal: null, stderr: 'bash: line 1: sess: command not found\n' })).toMatchObject({ reason: 'no-sess' });
    expect(sshFailure('h', { code: 3, signal: null, stderr: 'sess: sessd is not running\n' })).toMatchObject({ reason: 'proxy', detail: 'sess: sessd is not running' });
    expect(sshFailure('h', { code: 2, signal: null, stderr: 'sess: unknown command "proxy"\n' }).detail).toMatch(/has no `sess proxy`: upgrade/);
    expect(sshFailure('h', { code: null, signal: null, stderr: '', spawnError: 'spawn ssh ENOENT' })).toMatchObject({ reason: 'ssh', detail: 'cannot run ssh: spawn ssh ENOENT' });
  });

  it("checks the config file's hosts", () => {
    expect(HostsSchema.safeParse({ build: 'me@build', gpu: { ssh: 'gpu:2222', sess: '/opt/sess' } }).success).toBe(true);
    expect(HostsSchema.safeParse({ local: 'box' }).success).toBe(false);
    expect(HostsSchema.safeParse({ x: 'a b' }).success).toBe(false);
    expect(HostsSchema.safeParse({ x: { ssh: 'box', port: 22 } }).success).toBe(false);
  });
});
