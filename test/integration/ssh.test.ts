import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/protocol/model.js';
import { SessionCreateRequest, SessionGetRequest } from '../../shared/protocol/index.js';
import { tmuxClients } from '../helpers/attach.js';
import { connect as vscodeConnect } from '../../client/editors/vscode/src/core/connect.js';
import { killTmuxServer, pathsIn, tmux, waitForExit, type DaemonPaths } from '../helpers/daemon.js';
import { describeRun, runNvim } from '../helpers/nvim.js';
import { SHELL, SHELL_ENV, useDaemon } from '../helpers/harness.js';
import { ScreenWatcher } from '../helpers/screen.js';
import { SESS, sess as runSess, type SessResult } from '../helpers/sess.js';
import { freePort, startSshd, type SshServer } from '../helpers/sshd.js';
import { Wakeable } from '../helpers/wait.js';

/**
 * `sess --host` through a real OpenSSH server on 127.0.0.1. Host `a` is this file's
 * sessd; host `b` has none running until `sess proxy` there starts one; host `down`
 * is a port nothing listens on. The local sess has no sessd of its own: every command
 * below goes through ssh.
 */
describe('sess over ssh', () => {
  const h = useDaemon();
  let sshd: SshServer;
  let b: DaemonPaths;
  let local: DaemonPaths;
  let downPort: number;

  /** The remote command that runs the built sess against one sessd's paths (what `sess` on PATH is for a real user). */
  const remoteSess = (paths: DaemonPaths): string =>
    `env SESSD_SOCKET=${paths.socket} SESSD_TMUX_SOCKET=${paths.tmuxSocket} SESSD_STATE_DIR=${paths.stateDir} SHELL=/bin/bash NO_COLOR=1 ${process.execPath} ${SESS}`;

  const env = (): NodeJS.ProcessEnv => ({ SESS_SSH: sshd.ssh, SESSD_CONFIG: join(h.dir, 'client.yaml') });
  const sess = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<SessResult> => runSess(local, args, { env: { ...env(), ...extra } });

  beforeAll(async () => {
    sshd = await startSshd(join(h.dir, 'ssh'));
    b = pathsIn(join(h.dir, 'b'));
    local = pathsIn(join(h.dir, 'local'));
    downPort = await freePort();
    await writeFile(
      join(h.dir, 'client.yaml'),
      [
        'hosts:',
        `  a: {ssh: "${sshd.destination}", sess: "${remoteSess(h.paths)}"}`,
        `  b: {ssh: "${sshd.destination}", sess: "${remoteSess(b)}"}`,
        `  down: "127.0.0.1:${downPort}"`,
        `  bare: {ssh: "${sshd.destination}", sess: /nonexistent/sess}`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    // b's sessd was started by `sess proxy` on the "remote" side: stop it by its pid.
    const status = await sess(['--host', 'b', '--json', '--no-autostart', 'daemon', 'status']);
    if (status.code === 0) {
      const { pid } = JSON.parse(status.stdout) as { pid: number };
      process.kill(pid, 'SIGTERM');
      await waitForExit(pid);
    }
    if (b !== undefined) await killTmuxServer(b.tmuxSocket);
    await sshd?.close();
  });

  it('creates, sends to and captures a session on the remote sessd (the listing is below)', async () => {
    const created = await sess(['--host', 'a', '--json', 'new', '-n', 'remote', '-e', 'PS1=$ ', '--', ...SHELL]);
    expect(created.stderr).toBe('');
    const session = JSON.parse(created.stdout) as Session;
    // It is a's session, made through ssh: a's daemon knows it.
    expect((await h.client.request(SessionGetRequest, { session: 'remote' })).id).toBe(session.id);

    expect((await sess(['--host', 'a', 'send', 'remote', 'echo over-$((6*7))'])).code).toBe(0);
    await h.waitForScreen(session, (screen) => screen.includes('over-42'));
    const captured = await sess(['--host', 'a', 'capture', 'remote']);
    expect(captured.code).toBe(0);
    expect(captured.stdout).toContain('over-42');
  });

  it('follows events as they happen (events -f)', async () => {
    const child = spawn(process.execPath, [SESS, '--host', 'a', 'events', '-f', '--type', 'session.created'], {
      env: { ...process.env, SESSD_SOCKET: local.socket, NO_COLOR: '1', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = new Wakeable();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      seen.wake();
    });
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      // The past comes first: `remote` was created by the test before.
      await seen.until(() => (out.includes('remote') ? true : undefined), () => `no past event: ${out}`);
      await h.client.request(SessionCreateRequest, { name: 'later', command: SHELL, env: SHELL_ENV, cwd: h.dir });
      await seen.until(() => (out.includes('later') ? true : undefined), () => `no live event: ${out}`);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('attaches this terminal to the remote session through ssh -t, and detaches', async () => {
    const term = join(h.dir, 'term.sock');
    // The shell stays after sess exits, to show what the detach printed and sess's status.
    // (Not remain-on-exit: tmux 3.3 marks a pane dead when its program exits without
    // reading what is still in the pty, so the last lines can be lost under load.)
    const command = `env SESS_SSH=${sshd.ssh} SESSD_CONFIG=${join(h.dir, 'client.yaml')} SESSD_SOCKET=${local.socket} ${process.execPath} ${SESS} --host a attach remote; echo EXITED $?; exec sleep 600`;
    await tmux(term, '-f', '/dev/null', 'new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', command);
    const watcher = await ScreenWatcher.attach(term, 'term');
    try {
      const remote = await h.client.request(SessionGetRequest, { session: 'remote' });
      // a's tmux shows the session's screen in this terminal, through ssh's pty.
      await watcher.waitFor(
        () => tmux(term, 'capture-pane', '-p', '-t', '=term:'),
        (screen) => screen.includes('over-42') && screen.includes('[sessd] 0:remote'),
      );
      expect((await tmuxClients(h.paths.tmuxSocket)).filter((c) => c.session === remote.id)).toHaveLength(1);
      await tmux(term, 'send-keys', '-t', '=term:', 'C-b', 'd');
      const screen = await watcher.waitFor(
        () => tmux(term, 'capture-pane', '-p', '-t', '=term:'),
        (screen) => screen.includes('EXITED'),
      );
      expect(screen).toContain('[detached from remote; sess attach remote to come back]');
      expect(screen).toContain('EXITED 0');
      expect((await tmuxClients(h.paths.tmuxSocket)).filter((c) => c.session === remote.id)).toEqual([]);
    } finally {
      await watcher.close();
      await killTmuxServer(term);
    }
  });

  it('lists several hosts in parallel, with a HOST column, reporting the ones that do not answer', async () => {
    // b has no sessd yet: `sess proxy` there starts one.
    expect((await sess(['--host', 'b', 'new', '-n', 'on-b', '--', 'sleep', '1000'])).code).toBe(0);
    // Every host of the config file, and this machine (which runs no sessd here, and this listing starts none).
    const listed = await sess(['--no-autostart', 'ls', '--all-hosts', '--status', 'running']);
    expect(listed.code).toBe(3);
    expect(listed.stdout).toMatch(/^HOST\s+NAME\s+SPACE/);
    expect(listed.stdout.split('\n').slice(1, -1).map((line) => line.split(/\s+/).slice(0, 2)).sort()).toEqual([
      ['a', 'later'],
      ['a', 'remote'],
      ['b', 'on-b'],
    ]);
    const errors = listed.stderr.split('\n').filter(Boolean).sort();
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^sess: bare: bare has no sess to run \(.*\/nonexistent\/sess.*\): install sessd there/);
    expect(errors[1]).toMatch(/^sess: down: cannot reach down: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/);
    expect(errors[2]).toMatch(/^sess: local: sessd is not running/);
  });

  it("shows one dashboard across hosts, each session with its HOST and a host that is down with why, acting on each session's own host", async () => {
    const term = join(h.dir, 'dash.sock');
    // `local` is this file's sessd (a's sessions), `b` is reached over ssh (`on-b`, made above), `down` answers nothing.
    const env = `SESS_HOST= SESS_SSH=${sshd.ssh} SESSD_CONFIG=${join(h.dir, 'client.yaml')} SESSD_SOCKET=${h.paths.socket} SESSD_TMUX_SOCKET=${h.paths.tmuxSocket} SESSD_STATE_DIR=${h.paths.stateDir} NO_COLOR=1`;
    const command = `env ${env} ${process.execPath} ${SESS} dash --hosts local,b,down; echo EXITED $?; exec sleep 600`;
    await tmux(term, '-f', '/dev/null', 'new-session', '-d', '-s', 'dash', '-x', '120', '-y', '30', command);
    const watcher = await ScreenWatcher.attach(term, 'dash');
    const until = (match: (screen: string) => boolean): Promise<string> => watcher.waitFor(() => tmux(term, 'capture-pane', '-p', '-t', '=dash:'), match);
    const keys = (...k: string[]): Promise<string> => tmux(term, 'send-keys', '-t', '=dash:', ...k);
    try {
      const shown = await until((s) => /^ {3}local +remote /m.test(s) && /^ {3}b +on-b /m.test(s) && s.includes('1 of 3 hosts not connected'));
      expect(shown).toMatch(/^ down: cannot reach down: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/m);
      expect(shown).toMatch(/^ {3}local +later /m);
      // Attaching to b's session runs `ssh -t b sess attach` there: b's tmux in this terminal.
      await keys('/', 'on-b', 'Enter');
      await until((s) => s.includes('filter: on-b') && !/ remote /.test(s));
      await keys('Enter');
      await until((s) => s.includes('[sessd] 0:on-b'));
      await keys('C-b', 'd');
      await until((s) => s.includes('back from on-b on b'));
      // Stopped on b, and b's own event shows it.
      await keys('x');
      await until((s) => s.includes('stop on-b on b? (y/N)'));
      await keys('y');
      await until((s) => s.includes('stopped on-b on b') && /^ {3}b +on-b +stopped/m.test(s));
      await keys('q');
      await until((s) => s.includes('EXITED 0'));
    } finally {
      await watcher.close();
      await killTmuxServer(term);
    }
  });

  it("lets the editors use a remote sessd by setting: VS Code's SDK connection and the Neovim plugin's ssh channel", async () => {
    const client = await vscodeConnect({ socket: '', autostart: false, program: 'sessd', version: '0', host: sshd.destination, ssh: sshd.ssh, remoteCommand: remoteSess(h.paths) });
    try {
      expect(client.socket).toBe(`ssh:${sshd.destination}`);
      expect((await client.listAll()).map((s) => s.name)).toContain('remote');
    } finally {
      client.dispose();
    }

    let down = '';
    const run = await runNvim('remote.lua', {
      dir: h.dir,
      onStep: (step, data) => {
        if (step === 'start') return Promise.resolve({ host: sshd.destination, ssh: sshd.ssh, remote_command: remoteSess(h.paths), down: `127.0.0.1:${downPort}` });
        down = data.message as string;
        return Promise.resolve(null);
      },
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(down).toMatch(/cannot reach sessd on 127\.0\.0\.1:\d+ \(.*ssh exited with code 255: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/);
  });

  it('says what is wrong: an unreachable host, a protocol it cannot serve', async () => {
    const unreachable = await sess(['--host', `127.0.0.1:${downPort}`, 'ls']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/cannot reach 127\.0\.0\.1:\d+: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/);

    const newer = await sess(['--host', 'a', 'ls'], { SESSD_CLIENT_PROTOCOL: '99' });
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/sessd on a refused this sess: .*99.*1/);
  });
});
