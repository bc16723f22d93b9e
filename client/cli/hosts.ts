import { readFile } from 'node:fs/promises';
import { clientPaths } from '../sdk/client.js';
import type { SshTarget } from '../sdk/ssh.js';
import { parseDestination } from '../../shared/hosts.js';
import { UsageError } from './args.js';

/**
 * Which machine `--host` / SESS_HOST / `--hosts` names, and how ssh reaches its sess: a
 * name from the config file's `hosts` (shared/hosts-schema.ts), else `[USER@]HOST[:PORT]`
 * or a Host of ~/.ssh/config, handed to ssh as is. The environment can replace the ssh
 * program (SESS_SSH, like GIT_SSH: a path, no shell words) and the remote command that
 * runs sess (SESS_REMOTE_COMMAND, a shell line; a host's own `sess:` wins).
 */

/**
 * Loaded from node_modules as it is, not bundled into the CLI: its Node build
 * requires `process`, which the bundle's ESM output cannot. A name, not a literal,
 * so that the bundler leaves it alone.
 */
const YAML: string = 'yaml';

interface ConfiguredHost {
  ssh: string;
  sess?: string | undefined;
}

/** The ssh target `spec` names. */
export async function resolveHost(spec: string, env: NodeJS.ProcessEnv = process.env): Promise<SshTarget> {
  const configured = (await configuredHosts(env)).get(spec);
  const destination = configured?.ssh ?? spec;
  if (parseDestination(destination) === null) throw new UsageError(`--host ${JSON.stringify(spec)} is neither a host in the config file nor [USER@]HOST[:PORT]`);
  return target(spec, destination, configured?.sess, env);
}

/** Every host of the config file, by name, in the file's order. */
export async function allHosts(env: NodeJS.ProcessEnv = process.env): Promise<SshTarget[]> {
  return [...(await configuredHosts(env))].map(([name, host]) => target(name, host.ssh, host.sess, env));
}

function target(name: string, destination: string, sess: string | undefined, env: NodeJS.ProcessEnv): SshTarget {
  const remoteSess = sess ?? nonEmpty(env.SESS_REMOTE_COMMAND);
  const ssh = nonEmpty(env.SESS_SSH);
  return { name, destination, ...(remoteSess === undefined ? {} : { remoteSess }), ...(ssh === undefined ? {} : { ssh }) };
}

/**
 * The config file's `hosts`, checked by the same schema sessd checks the file with.
 * YAML and zod load only here, when a host is named: a local `sess` never reads them.
 */
async function configuredHosts(env: NodeJS.ProcessEnv): Promise<Map<string, ConfiguredHost>> {
  const paths = clientPaths(env);
  for (const file of paths.configCandidates) {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !paths.configExplicit) continue;
      throw new Error(`cannot read the config file ${file}: ${(error as Error).message}`, { cause: error });
    }
    const [{ parse }, { HostsSchema }] = await Promise.all([import(YAML) as Promise<typeof import('yaml')>, import('../../shared/hosts-schema.js')]);
    let value: unknown;
    try {
      value = parse(raw);
    } catch (error) {
      throw new Error(`the config file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
    const section = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).hosts : undefined;
    if (section === undefined || section === null) return new Map();
    const checked = HostsSchema.safeParse(section);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new Error(`the config file ${file}: hosts.${issue.path.join('.')}: ${issue.message}`);
    }
    return new Map(Object.entries(checked.data).map(([name, host]) => [name, typeof host === 'string' ? { ssh: host } : host]));
  }
  return new Map();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
