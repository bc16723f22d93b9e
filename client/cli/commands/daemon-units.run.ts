import { execFile } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SessdClient } from '../../sdk/client.js';
import { UsageError } from '../args.js';
import type { Context } from '../context.js';
import type { Input } from '../spec.js';
import { serviceUnit, SERVICE_UNIT, socketUnit, SOCKET_UNIT } from '../systemd-units.js';
import type * as specs from './daemon-units.js';

const exec = promisify(execFile);

/** Bound on one systemctl call: it answers at once, or the manager is wedged. */
const SYSTEMCTL_TIMEOUT_MS = 30_000;

/** Where user units go: $XDG_CONFIG_HOME/systemd/user (systemd reads it for every user). */
export function unitDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME?.startsWith('/') === true ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'systemd', 'user');
}

/** This installation's daemon: the CLI runs from dist/client/bin, the daemon is dist/daemon/main.js. */
function daemonMain(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'daemon', 'main.js');
}

async function userManager(): Promise<boolean> {
  try {
    const { stdout } = await exec('systemctl', ['--user', 'is-system-running'], { timeout: SYSTEMCTL_TIMEOUT_MS });
    return stdout.trim() !== 'offline';
  } catch (error) {
    const state = ((error as { stdout?: string }).stdout ?? '').trim();
    return state !== '' && state !== 'offline';
  }
}

async function systemctl(...args: string[]): Promise<void> {
  await exec('systemctl', ['--user', ...args], { timeout: SYSTEMCTL_TIMEOUT_MS });
}

function unitFiles(): [socket: string, service: string] {
  const dir = unitDir();
  return [join(dir, SOCKET_UNIT), join(dir, SERVICE_UNIT)];
}

/** `sess daemon uninstall`. */
/** The units are this machine's files: another machine's are written there. */
function here(ctx: Context): void {
  if (ctx.host !== undefined) throw new UsageError(`${ctx.command} writes systemd units on this machine; to do it on ${ctx.host}, run \`ssh ${ctx.host} sess ${ctx.command}\``, ctx.command);
}

export async function uninstall(_: Input<typeof specs.uninstall>, ctx: Context): Promise<void> {
  here(ctx);
  const files = unitFiles();
  const manager = await userManager();
  // Stopping sessd.service leaves every session running: tmux has a scope of its own.
  if (manager) await systemctl('disable', '--now', SOCKET_UNIT, SERVICE_UNIT).catch(() => undefined);
  await Promise.all(files.map((f) => rm(f, { force: true })));
  if (manager) await systemctl('daemon-reload');
  if (ctx.json) return ctx.out.json({ removed: files, systemd: manager });
  ctx.out.line(`removed ${files.join(' and ')}${manager ? '; sessd.socket and sessd.service are stopped and disabled (sessions keep running)' : ''}`);
}

/** `sess daemon install`. */
export async function install({ noEnable }: Input<typeof specs.install>, ctx: Context): Promise<void> {
  here(ctx);
  const dir = unitDir();
  const files = unitFiles();
  const manager = await userManager();
  const main = daemonMain();
  try {
    await access(main);
  } catch {
    throw new Error(`${main} does not exist: build sessd first (npm run build)`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(files[0], socketUnit(), { mode: 0o644 });
  await writeFile(files[1], serviceUnit({ node: process.execPath, main, ...(process.env.PATH === undefined ? {} : { path: process.env.PATH }) }), { mode: 0o644 });
  const enable = manager && !noEnable;
  if (enable) {
    await systemctl('daemon-reload');
    // A sessd started without systemd holds the socket and the store: stop it (its
    // sessions keep running) so that the socket unit's sessd can take over.
    const running = await SessdClient.connect({ clientName: 'sess' }).catch(() => undefined);
    if (running !== undefined) {
      await running.daemon.shutdown().catch(() => undefined);
      running.dispose();
    }
    // The service too, not only the socket: sessd then starts at boot (with lingering)
    // and its restart policies bring sessions back without waiting for a client.
    await systemctl('enable', '--now', SOCKET_UNIT, SERVICE_UNIT);
  }
  if (ctx.json) return ctx.out.json({ written: files, enabled: enable, systemd: manager });
  ctx.out.line(`wrote ${files.join(' and ')} (node ${process.execPath}, sessd ${main})`);
  if (enable) ctx.out.line('sessd.socket and sessd.service are enabled and running; sessd starts with your user manager, and sessions run with this PATH.');
  else {
    ctx.out.line(manager ? 'To start it:' : 'No systemd user manager is running here. Where one runs:');
    ctx.out.line('  systemctl --user daemon-reload && systemctl --user enable --now sessd.socket sessd.service');
  }
  ctx.out.line(`So that sessions outlive your logout: loginctl enable-linger ${process.env.USER ?? '$USER'}`);
}
