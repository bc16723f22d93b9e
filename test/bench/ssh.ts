import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { SessdClient } from '../../client/sdk/client.js';
import type { SshTarget } from '../../client/sdk/ssh.js';
import { startSshd } from '../helpers/sshd.js';
import { guard, REPO, type BenchDaemon } from './env.js';
import type { Figure, SuiteOptions } from './main.js';
import { abab, elapsed } from './measure.js';

const CLI = join(REPO, 'dist', 'client', 'bin', 'main.js');

/**
 * sessd through `ssh HOST sess proxy` (DESIGN.md, "Beyond one machine"), against the
 * same daemon on its local socket: a request's round trip over an open connection,
 * and connecting (ssh's handshake, the remote sess starting, the protocol handshake).
 * A real OpenSSH server on 127.0.0.1 plays the remote machine, so the figures are
 * ssh's and sess proxy's own cost without a network's.
 */
export async function overSsh(daemon: BenchDaemon, dir: string, options: SuiteOptions): Promise<Figure[]> {
  const { quick } = options;
  try {
    await access('/usr/sbin/sshd');
  } catch {
    process.stderr.write('bench: no /usr/sbin/sshd (Debian: openssh-server): the figures over ssh are left out\n');
    return [];
  }
  const sshd = await startSshd(join(dir, 'ssh'));
  const target: SshTarget = {
    name: 'bench',
    destination: sshd.destination,
    ssh: sshd.ssh,
    remoteSess: `env SESSD_SOCKET=${daemon.socket} ${process.execPath} ${CLI}`,
  };
  // Every connection makes its own handshake here, as without a ControlMaster.
  const cold: SshTarget = { ...target, sshArgs: ['-o', 'ControlMaster=no', '-o', 'ControlPath=none'] };
  const connect = (t: SshTarget): Promise<SessdClient> => guard(SessdClient.connect({ clientName: 'sessd-bench', ssh: t }), 'a connection over ssh');
  const figures: Figure[] = [];
  const remote = await connect(target);
  try {
    const rpc = await abab(
      quick ? 300 : 3000,
      () => elapsed(() => remote.daemon.status()),
      () => elapsed(() => daemon.client.daemon.status()),
      quick ? 20 : 100,
    );
    figures.push({ name: 'RPC round trip over ssh (daemon/status)', unit: 'ms', sessd: rpc.a, baseline: { name: 'the same on the local socket', values: rpc.b } });
    const connecting = await abab(
      quick ? 5 : 20,
      () => elapsed(async () => (await connect(cold)).dispose()),
      () => elapsed(async () => (await SessdClient.connect({ socket: daemon.socket, autostart: false })).dispose()),
      1,
    );
    figures.push({
      name: 'connect and initialize over ssh (new ssh)',
      unit: 'ms',
      sessd: connecting.a,
      baseline: { name: 'the same on the local socket', values: connecting.b },
    });
  } finally {
    remote.dispose();
    await sshd.close();
  }
  return figures;
}
