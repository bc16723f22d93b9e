import { join } from 'node:path';

/**
 * Where sessd keeps things (DESIGN.md, "Paths and configuration"). Pure: the caller
 * passes the environment, so the daemon and every client resolve the same paths.
 *
 * | what        | default                                   | override                         |
 * |-------------|-------------------------------------------|----------------------------------|
 * | socket      | $XDG_RUNTIME_DIR/sessd/sessd.sock         | --socket, SESSD_SOCKET           |
 * |             | (/tmp/sessd-$UID/ when XDG_RUNTIME_DIR is unset)                             |
 * | tmux socket | $XDG_RUNTIME_DIR/sessd/tmux.sock          | --tmux-socket, SESSD_TMUX_SOCKET |
 * | state dir   | $XDG_STATE_HOME/sessd (~/.local/state)    | --state-dir, SESSD_STATE_DIR     |
 * | config      | $XDG_CONFIG_HOME/sessd/config.yaml|.json  | --config, SESSD_CONFIG           |
 *
 * Relative XDG variables are ignored, as the XDG spec says.
 */

/** `sun_path` holds 108 bytes on Linux, one of them the terminating NUL. */
export const SUN_PATH_MAX_BYTES = 107;

export interface PathContext {
  env: Record<string, string | undefined>;
  uid: number;
  home: string;
}

export interface PathOverrides {
  socket?: string | undefined;
  tmuxSocket?: string | undefined;
  stateDir?: string | undefined;
  config?: string | undefined;
}

export interface SessdPaths {
  /** The directory that holds the default sockets (created 0700). */
  runtimeDir: string;
  socket: string;
  tmuxSocket: string;
  stateDir: string;
  /** The LMDB environment, inside the state dir. */
  storeDir: string;
  /** Config files to try, in order; the first that exists is used. */
  configCandidates: string[];
  /** True when the config path was given explicitly (then it must exist). */
  configExplicit: boolean;
}

function xdg(env: PathContext['env'], name: string): string | undefined {
  const value = env[name];
  return value !== undefined && value.startsWith('/') ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function defaultRuntimeDir(ctx: PathContext): string {
  const runtime = xdg(ctx.env, 'XDG_RUNTIME_DIR');
  return runtime !== undefined ? join(runtime, 'sessd') : `/tmp/sessd-${ctx.uid}`;
}

export function resolvePaths(overrides: PathOverrides, ctx: PathContext): SessdPaths {
  const runtimeDir = defaultRuntimeDir(ctx);
  const stateDir =
    nonEmpty(overrides.stateDir) ??
    nonEmpty(ctx.env.SESSD_STATE_DIR) ??
    join(xdg(ctx.env, 'XDG_STATE_HOME') ?? join(ctx.home, '.local', 'state'), 'sessd');
  const explicitConfig = nonEmpty(overrides.config) ?? nonEmpty(ctx.env.SESSD_CONFIG);
  const configHome = join(xdg(ctx.env, 'XDG_CONFIG_HOME') ?? join(ctx.home, '.config'), 'sessd');
  return {
    runtimeDir,
    socket: nonEmpty(overrides.socket) ?? nonEmpty(ctx.env.SESSD_SOCKET) ?? join(runtimeDir, 'sessd.sock'),
    tmuxSocket:
      nonEmpty(overrides.tmuxSocket) ?? nonEmpty(ctx.env.SESSD_TMUX_SOCKET) ?? join(runtimeDir, 'tmux.sock'),
    stateDir,
    storeDir: join(stateDir, 'store'),
    configCandidates:
      explicitConfig !== undefined
        ? [explicitConfig]
        : [join(configHome, 'config.yaml'), join(configHome, 'config.yml'), join(configHome, 'config.json')],
    configExplicit: explicitConfig !== undefined,
  };
}

/** An error message when a unix socket path is too long to bind, else null. */
export function socketPathProblem(path: string): string | null {
  const bytes = Buffer.byteLength(path);
  if (bytes > SUN_PATH_MAX_BYTES) {
    return `socket path is ${bytes} bytes, over the ${SUN_PATH_MAX_BYTES}-byte limit of unix sockets: ${path}`;
  }
  return null;
}

/** What `privateDirProblem` reads of a directory: a `Stats` from lstat will do. */
export interface DirStat {
  isDirectory(): boolean;
  uid: number;
  mode: number;
}

/** Why a directory cannot be trusted with sessd's sockets: the caller adds what to do. */
export type DirProblem =
  | { kind: 'not-directory'; message: string }
  | { kind: 'owner'; message: string; owner: number }
  | { kind: 'mode'; message: string; mode: string };

/**
 * The socket directory's rule, the same on both sides (tmux's "unsafe permissions"
 * check): the directory is ours, and group and other may not enter it. Then only we
 * (and root) can have created a socket in it, so a daemon listening there is ours,
 * and a client connecting there is ours. `info` comes from lstat, so a symlink is not
 * a directory. Pure.
 */
export function privateDirProblem(dir: string, info: DirStat, uid: number): DirProblem | null {
  if (!info.isDirectory()) return { kind: 'not-directory', message: `${dir} is not a directory` };
  if (info.uid !== uid) return { kind: 'owner', owner: info.uid, message: `${dir} is owned by uid ${info.uid}, not by you (uid ${uid})` };
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    return { kind: 'mode', mode, message: `${dir} is open to other users (mode ${mode})` };
  }
  return null;
}
