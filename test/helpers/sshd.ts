import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

/**
 * A real OpenSSH server on 127.0.0.1, owned by one test file (or the bench): its own
 * host key, authorized key and config in `dir`, running as this user, and an ssh
 * client setup that trusts only it (`ssh` below: a wrapper that runs ssh with that
 * config, for SESS_SSH). No vitest here: the bench uses it too.
 */

const SSHD = '/usr/sbin/sshd';
/** Hang guard for sshd to listen: it does in milliseconds. */
const LISTEN_TIMEOUT_MS = 10_000;
/** sshd as root insists on its privilege separation directory (Debian's ssh.service makes it). */
const PRIVSEP_DIR = '/run/sshd';

const run = promisify(execFile);

export interface SshServer {
  port: number;
  /** `127.0.0.1:PORT`, for `sess --host`. */
  destination: string;
  /** A program that runs ssh with this server's client config: for SESS_SSH. */
  ssh: string;
  /** The client config file (`ssh -F`). */
  sshConfig: string;
  close(): Promise<void>;
}

/** A port nothing listens on (just now): for a server to take, or for a host that is down. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startSshd(dir: string): Promise<SshServer> {
  await mkdir(dir, { recursive: true });
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  await Promise.all([keygen(hostKey), keygen(clientKey)]);
  const port = await freePort();
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`, 'utf8'));
  const [type, key] = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n`);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PidFile none',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(
    sshConfig,
    [
      'Host *',
      `  User ${userInfo().username}`,
      `  IdentityFile ${clientKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      // One handshake for the whole file: the others go over it (close() ends the master).
      '  ControlMaster auto',
      `  ControlPath ${join(dir, 'cm-%C')}`,
      '  ControlPersist 60',
      '',
    ].join('\n'),
  );
  const ssh = join(dir, 'ssh');
  await writeFile(ssh, `#!/bin/sh\nexec ssh -F '${sshConfig}' "$@"\n`);
  await chmod(ssh, 0o755);

  const madePrivsepDir = process.getuid?.() === 0 && (await missing(PRIVSEP_DIR));
  if (madePrivsepDir) await mkdir(PRIVSEP_DIR, { mode: 0o755 });
  const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  await listening(proc);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    port,
    destination: `127.0.0.1:${port}`,
    ssh,
    sshConfig,
    close: async () => {
      await run(ssh, ['-O', 'exit', '-p', String(port), '127.0.0.1']).catch(() => undefined); // no master was started: nothing to end
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
      if (madePrivsepDir) await rmdir(PRIVSEP_DIR).catch(() => undefined); // another sshd may use it now: then it stays
    },
  };
}

async function keygen(file: string): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sessd-test', '-f', file]);
}

async function missing(path: string): Promise<boolean> {
  try {
    await stat(path);
    return false;
  } catch {
    return true;
  }
}

/** Resolves when sshd says it listens; rejects with what it said if it exits first. */
function listening(proc: ChildProcess): Promise<void> {
  let said = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`sshd did not listen within ${LISTEN_TIMEOUT_MS} ms: ${said}`));
    }, LISTEN_TIMEOUT_MS);
    const lines = createInterface({ input: proc.stderr! });
    lines.on('line', (line) => {
      said += `${line}\n`;
      if (/Server listening on/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${code}): ${said}`));
    });
  });
}
