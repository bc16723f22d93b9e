/**
 * sessd's systemd user units, as `sess daemon install` writes them; the files in
 * `systemd/` are these with the paths of a global npm install (a test keeps them
 * equal). systemd/README.md explains each directive.
 */

export interface UnitPaths {
  /** The node binary, absolute: no npm, npx or shell in between. */
  node: string;
  /** sessd's entry point (dist/daemon/main.js), absolute. */
  main: string;
  /**
   * The PATH sessions find programs on. A user manager's own is minimal
   * (`/usr/local/bin:/usr/bin:/bin`), so `sess daemon install` writes the PATH it
   * was run with; the packaged units leave it to the manager.
   */
  path?: string;
}

/** A value for `Environment=`: quoted, with systemd's specifiers (`%`) and quoting characters escaped. */
function environmentValue(name: string, value: string): string {
  return `"${`${name}=${value}`.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

/** The paths the checked-in units use: node from the distribution, sessd from `npm install -g`. */
export const PACKAGED_PATHS: UnitPaths = { node: '/usr/bin/node', main: '/usr/lib/node_modules/sessd/dist/daemon/main.js' };

export const SOCKET_UNIT = 'sessd.socket';
export const SERVICE_UNIT = 'sessd.service';

export function socketUnit(): string {
  return `# sessd's socket. systemd holds it, so it stays while sessd.service restarts:
# clients that connect meanwhile wait in the backlog instead of failing.
[Unit]
Description=sessd socket (terminal sessions for your editor, agents and scripts)
Documentation=https://github.com/sessd/sessd/blob/main/systemd/README.md

[Socket]
ListenStream=%t/sessd/sessd.sock
SocketMode=0600
DirectoryMode=0700
# Not RemoveOnStop: the path is sessd's, and removing it would strand clients.

[Install]
WantedBy=sockets.target
`;
}

export function serviceUnit(paths: UnitPaths): string {
  return `# sessd itself. Its sessions live in a tmux server that sessd starts in a
# transient scope of its own (sessd-tmux-*.scope), outside this unit's cgroup:
# stopping or restarting sessd.service never ends a session.
[Unit]
Description=sessd (long-running terminal sessions in a private tmux server)
Documentation=https://github.com/sessd/sessd/blob/main/systemd/README.md
Requires=sessd.socket
After=sessd.socket

[Service]
Type=exec
ExecStart=${paths.node} ${paths.main}
${paths.path === undefined ? '' : `Environment=${environmentValue('PATH', paths.path)}\n`}Restart=on-failure
RestartSec=1s
# SIGTERM to sessd alone; what is left in this cgroup (its tmux control clients) is
# killed once sessd has exited. The tmux server is not in this cgroup.
KillMode=mixed
TimeoutStopSec=15s
# No RuntimeDirectory=: systemd would delete %t/sessd, with the tmux socket in it,
# whenever the service stops.

[Install]
WantedBy=default.target
Also=sessd.socket
`;
}
