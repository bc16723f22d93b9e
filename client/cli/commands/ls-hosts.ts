import type { Session } from '../../../shared/protocol/model.js';
import type { SessionListParams } from '../../../shared/protocol/session.js';
import { LOCAL_HOST } from '../../../shared/hosts.js';
import type { Context } from '../context.js';
import { describe, EXIT } from '../failure.js';

/** One machine's answer to `sess ls --hosts`: its sessions, or why it gave none. */
export type HostListing = { host: string; sessions: Session[] } | { host: string; error: { message: string; exit: number } };

/**
 * Asks every host at once (each through its own `ssh HOST sess proxy`; `local` is this
 * machine's socket) and waits for all: a host that does not answer is a failed entry,
 * never a failure of the others. In the order asked.
 */
export async function listHosts(ctx: Context, hosts: readonly string[], params: Omit<SessionListParams, 'cursor'>): Promise<HostListing[]> {
  return Promise.all(
    hosts.map(async (host): Promise<HostListing> => {
      try {
        const client = await ctx.connectTo(host === LOCAL_HOST ? undefined : host);
        return { host, sessions: await client.listAll(params) };
      } catch (error) {
        const { code, message } = describe(error);
        return { host, error: { message, exit: code } };
      }
    }),
  );
}

/** `--hosts a,b` as names; `--all-hosts`: this machine and every configured host. */
export async function hostNames(list: string | undefined, all: boolean): Promise<string[]> {
  if (all) {
    const { allHosts } = await import('../hosts.js');
    return [LOCAL_HOST, ...(await allHosts()).map((h) => h.name!)];
  }
  const names = (list ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  return [...new Set(names)];
}

/** The exit code of a listing: the first failed host's, else success. */
export function listingExit(listings: readonly HostListing[]): number {
  for (const l of listings) if ('error' in l) return l.error.exit;
  return EXIT.ok;
}
