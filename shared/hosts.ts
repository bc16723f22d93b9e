/**
 * Remote machines as `sess --host` and the config file's `hosts` name them (DESIGN.md,
 * "Beyond one machine"). Pure, and free of dependencies: the CLI reads it on start.
 */

/** Reserved as a host's name: in `sess ls --hosts` it means this machine. */
export const LOCAL_HOST = 'local';

export interface Destination {
  user?: string;
  host: string;
  port?: number;
}

/** `[USER@]HOST[:PORT]` in parts; null when it is not one (empty, spaces, a leading `-`, a bad port). */
export function parseDestination(text: string): Destination | null {
  if (text === '' || /[\s'"\\;&|<>`$]/.test(text) || text.startsWith('-')) return null;
  const at = text.lastIndexOf('@');
  const user = at === -1 ? undefined : text.slice(0, at);
  const rest = at === -1 ? text : text.slice(at + 1);
  if (user === '') return null;
  let host = rest;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed !== null) [, host = '', port] = bracketed;
  else if (rest.split(':').length === 2) [host = '', port] = rest.split(':');
  if (host === '' || host.startsWith('-') || (port !== undefined && !/^\d{1,5}$/.test(port))) return null;
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && (portNumber < 1 || portNumber > 65535)) return null;
  return { ...(user === undefined ? {} : { user }), host, ...(portNumber === undefined ? {} : { port: portNumber }) };
}

