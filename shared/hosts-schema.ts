import { z } from 'zod';
import { LOCAL_HOST, parseDestination } from './hosts.js';
import { text } from './protocol/fields.js';

/**
 * The config file's `hosts`: remote machines by name, for `sess --host NAME` and
 * `sess ls --hosts`. sessd itself only checks the section; the client reads it.
 *
 * ```yaml
 * hosts:
 *   build: me@build.internal          # [USER@]HOST[:PORT], or a Host of ~/.ssh/config
 *   gpu:
 *     ssh: gpu-vm:2222
 *     sess: ~/.local/bin/sess         # the remote command that runs sess (default: sess on its PATH)
 * ```
 */

const hostName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'host names are letters, digits, ., _ and - (at most 64)')
  .refine((v) => v !== LOCAL_HOST, `"${LOCAL_HOST}" means this machine and cannot name a host`);

const destination = z.string().refine((v) => parseDestination(v) !== null, 'must be [USER@]HOST[:PORT]');

export const HostSchema = z.union([destination, z.strictObject({ ssh: destination, sess: text.min(1).optional() })]);

export const HostsSchema = z.record(hostName, HostSchema);

export type HostsConfig = z.output<typeof HostsSchema>;
