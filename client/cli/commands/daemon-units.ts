import { defineCommand } from '../spec.js';

/** `sess daemon install`, `uninstall`: the systemd user units (no RPC; daemon/shutdown hands over a running sessd). */

export const install = defineCommand({
  name: 'daemon install',
  group: 'sessd itself',
  summary: 'Install sessd as a systemd user service (socket-activated) for this installation',
  description:
    'Writes sessd.socket and sessd.service to $XDG_CONFIG_HOME/systemd/user, running this installation of sessd with this node, and enables and starts the socket when a systemd user manager runs. Run `loginctl enable-linger` once so that sessions outlive your logout. Sessions keep running throughout.',
  options: { noEnable: { type: 'boolean', description: 'Only write the units; do not enable or start them' } },
});

export const uninstall = defineCommand({
  name: 'daemon uninstall',
  group: 'sessd itself',
  summary: 'Remove the systemd user units that `sess daemon install` wrote',
  description: 'Disables and stops sessd.socket and sessd.service (sessions keep running) and removes the unit files.',
  options: {},
});
