import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from './exec.js';

/**
 * Desktop notifications: org.freedesktop.Notifications.Notify on the user's session
 * bus, sent with `gdbus` (glib's D-Bus tool, present wherever a desktop is), so sessd
 * carries no D-Bus code. Strings are passed as GVariant literals, never parsed as
 * GVariant text.
 */

/** How long the desktop shows it, in ms (-1 would be the server's default, which some servers keep forever). */
const EXPIRE_MS = 10_000;

/** The session bus's address, or null when there is none (no desktop: the action is skipped). */
export function sessionBus(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DBUS_SESSION_BUS_ADDRESS !== undefined && env.DBUS_SESSION_BUS_ADDRESS !== '') return env.DBUS_SESSION_BUS_ADDRESS;
  // systemd's user bus, when the variable was not passed on.
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && existsSync(join(runtime, 'bus'))) return `unix:path=${join(runtime, 'bus')}`;
  return null;
}

/** A GVariant string literal (JSON's escapes are GVariant's too). */
function gstring(value: string): string {
  return JSON.stringify(value);
}

/** Sends one notification; `urgent` raises its urgency (approvals and crashes). */
export async function notifyDesktop(bus: string, summary: string, body: string, urgent: boolean): Promise<void> {
  const argv = [
    process.env.SESSD_GDBUS ?? 'gdbus',
    'call',
    '--session',
    '--timeout',
    '5',
    '--dest',
    'org.freedesktop.Notifications',
    '--object-path',
    '/org/freedesktop/Notifications',
    '--method',
    'org.freedesktop.Notifications.Notify',
    gstring('sessd'),
    'uint32 0',
    gstring('utilities-terminal'),
    gstring(summary),
    gstring(body),
    '@as []',
    `@a{sv} {"urgency": <byte ${urgent ? 2 : 1}>, "category": <"im.received">, "desktop-entry": <"sessd">}`,
    `int32 ${EXPIRE_MS}`,
  ];
  await runProgram(argv, '', { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus });
}
