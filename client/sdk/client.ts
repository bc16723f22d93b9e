import { homedir } from 'node:os';
import { resolvePaths, type SessdPaths } from '../../shared/paths.js';
import type { NotificationDeclaration, ParamsOf, RequestDeclaration, ResultOf } from '../../shared/protocol/define.js';
import type { EventNotificationParams, EventsSubscribeParams } from '../../shared/protocol/events.js';
import type { NotificationNamed, ProtocolNotification, ProtocolRequest, RequestNamed } from '../../shared/protocol/index.js';
import type { InitializeResult } from '../../shared/protocol/initialize.js';
import type { SessdEvent, Session } from '../../shared/protocol/model.js';
import type { SessionListParams } from '../../shared/protocol/session.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import { autostart, autostartLogFile, type AutostartOptions } from './autostart.js';
import { spawnChannel, type ChannelCommand, type CommandChannel } from './command-channel.js';
import { DaemonUnreachableError, HostUnreachableError, SessdError, UnsafeSocketError } from './errors.js';
import { sshCommand, sshFailure, type SshTarget } from './ssh.js';
import { ConnectionClosedError, RpcReplyError, RpcTransport } from './transport.js';

export interface SessdClientOptions {
  /** The daemon's socket; default: the path rules of DESIGN.md (SESSD_SOCKET, XDG_RUNTIME_DIR, ...). */
  socket?: string;
  clientName?: string;
  clientVersion?: string;
  /** The protocol version to speak; default: this SDK's. */
  protocolVersion?: number;
  /** Start sessd when nothing answers (default: off). */
  autostart?: false | Partial<AutostartOptions>;
  /** The environment the path rules read; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /**
   * Reach a sessd on another machine through `ssh HOST sess proxy` instead of a local
   * socket (`socket` and `autostart` are then not used: `sess proxy` starts the remote
   * sessd when none answers there).
   */
  ssh?: SshTarget;
  /** Reach sessd through any command whose stdin and stdout speak to one; `name` is what errors call it. */
  command?: ChannelCommand & { name: string };
}

/** A request as a typed method: params may be left out when the method takes none. */
type Call<P, R> = Record<string, never> extends P ? (params?: P) => Promise<R> : (params: P) => Promise<R>;

type RequestMethod = ProtocolRequest['method'];
type Namespace = RequestMethod extends infer M ? (M extends `${infer N}/${string}` ? N : never) : never;

/**
 * The typed methods of every request, derived from the shared declarations:
 * `session/send` is `client.session.send(params: SessionSendParams): Promise<Message>`.
 * A request added to shared/protocol appears here with no change to the SDK.
 */
export type RequestMethods = {
  readonly [N in Namespace]: {
    readonly [D in ProtocolRequest as D['method'] extends `${N}/${infer V}` ? V : never]: Call<ParamsOf<D>, ResultOf<D>>;
  };
};

/**
 * The namespaces of RequestMethods, for building them at run time; the checks below
 * fail to compile when a declared namespace is missing here. The SDK imports no
 * declaration as a value: they carry zod schemas, which the CLI must not load to
 * start (only their types are used here).
 */
const NAMESPACES = ['session', 'checkpoint', 'attach', 'message', 'interaction', 'events', 'transcript', 'template', 'space', 'provider', 'daemon', 'worktree', 'agent', 'audit', 'policy', 'notify'] as const;
type Exhaustive<T extends never> = T;
export type _AllNamespacesBuilt = Exhaustive<Exclude<Namespace, (typeof NAMESPACES)[number]>>;

/** One namespace of RequestMethods: `verb(params)` sends `namespace/verb`. */
function namespace(send: (method: string, params: unknown) => Promise<unknown>, name: string): object {
  return new Proxy(
    {},
    { get: (_target, verb) => (typeof verb === 'string' ? (params?: unknown) => send(`${name}/${verb}`, params) : undefined) },
  );
}

/** The base of SessdClient that carries RequestMethods, built over one send function. */
const WithRequestMethods = class {
  constructor(send: (method: string, params: unknown) => Promise<unknown>) {
    for (const name of NAMESPACES) Object.defineProperty(this, name, { value: namespace(send, name), enumerable: true });
  }
} as new (send: (method: string, params: unknown) => Promise<unknown>) => RequestMethods;

export interface Subscription {
  readonly id: string;
  /** The newest event's seq when the subscription started. */
  readonly lastSeq: number;
  /** The oldest seq still kept. */
  readonly oldestSeq: number;
  dispose(): Promise<void>;
}

/** The paths a client uses, by the same rules as the daemon. */
export function clientPaths(env: NodeJS.ProcessEnv = process.env, socket?: string): SessdPaths {
  return resolvePaths({ socket }, { env, uid: process.getuid?.() ?? 0, home: homedir() });
}

/**
 * A connection to sessd: the handshake, one typed method per request (named as the
 * protocol names them: `client.session.create` is `session/create`), events and
 * notifications (`client.on(AttachOutputNotification, ...)`), and errors as SessdError
 * with the daemon's error code and name. It loads nothing beyond Node itself.
 */
export class SessdClient extends WithRequestMethods {
  private constructor(
    private readonly transport: RpcTransport,
    /** The daemon's answer to `initialize`. */
    readonly server: InitializeResult,
    /** The socket it speaks on; `ssh:HOST`, or the command's name, for a remote one. */
    readonly socket: string,
  ) {
    super((method, params) => send(transport, method, params));
  }

  /**
   * Connects and handshakes. Throws DaemonUnreachableError when nothing answers (after
   * starting sessd, with `autostart`), SessdError `protocol_mismatch` when the daemon
   * cannot serve this protocol version.
   */
  static async connect(options: SessdClientOptions = {}): Promise<SessdClient> {
    if (options.ssh !== undefined || options.command !== undefined) return SessdClient.connectByCommand(options);
    const env = options.env ?? process.env;
    const paths = clientPaths(env, options.socket);
    let transport: RpcTransport;
    try {
      transport = await RpcTransport.connect(paths.socket);
    } catch (error) {
      if (error instanceof UnsafeSocketError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const startable = code === 'ENOENT' || code === 'ECONNREFUSED';
      if (!startable || options.autostart === undefined || options.autostart === false) {
        throw new DaemonUnreachableError(paths.socket, code);
      }
      try {
        transport = await autostart(paths.socket, { logFile: autostartLogFile(paths.stateDir), env, ...options.autostart });
      } catch (failure) {
        if (failure instanceof UnsafeSocketError) throw failure;
        throw new DaemonUnreachableError(paths.socket, `starting it failed: ${(failure as Error).message}`);
      }
    }
    try {
      return new SessdClient(transport, await initialize(transport, options), paths.socket);
    } catch (error) {
      transport.close();
      // Something listens but hung up before answering: out of file descriptors, or not sessd.
      if (error instanceof ConnectionClosedError) throw new DaemonUnreachableError(paths.socket, error.message, 'handshake');
      throw error;
    }
  }

  /**
   * Connects through a command (`ssh HOST sess proxy`); a command that ends before the
   * handshake is answered becomes HostUnreachableError with what it said.
   */
  private static async connectByCommand(options: SessdClientOptions): Promise<SessdClient> {
    const target = options.ssh;
    const name = target !== undefined ? (target.name ?? target.destination) : options.command!.name;
    const channel: CommandChannel = spawnChannel(target !== undefined ? sshCommand(target, ['proxy']) : options.command!);
    const transport = RpcTransport.over(channel);
    try {
      return new SessdClient(transport, await initialize(transport, options), target !== undefined ? `ssh:${name}` : name);
    } catch (error) {
      if (error instanceof ConnectionClosedError) {
        const exit = await channel.exit;
        throw target !== undefined ? sshFailure(name, exit) : new HostUnreachableError(name, 'proxy', error.message);
      }
      transport.close();
      if (error instanceof SessdError) error.host = name;
      throw error;
    }
  }

  /** Any declared request, by its declaration. */
  async request<D extends RequestDeclaration>(decl: D, params?: ParamsOf<D>): Promise<ResultOf<D>> {
    return (await send(this.transport, decl.method, params)) as ResultOf<D>;
  }

  /** Any declared request, by its method name: `call('session/send', {...})`. */
  async call<M extends RequestMethod>(method: M, params?: ParamsOf<RequestNamed<M>>): Promise<ResultOf<RequestNamed<M>>> {
    return (await send(this.transport, method, params)) as ResultOf<RequestNamed<M>>;
  }

  /** Every session that matches, across pages. */
  async listAll(params: Omit<SessionListParams, 'cursor'> = {}): Promise<Session[]> {
    const sessions: Session[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.session.list({ ...params, ...(cursor === undefined ? {} : { cursor }) });
      sessions.push(...page.sessions);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return sessions;
  }

  /** Subscribes to events; `listener` gets replayed events (from `fromSeq`) and then live ones, in order. */
  async subscribe(params: EventsSubscribeParams, listener: (event: SessdEvent) => void): Promise<Subscription> {
    // sessd sends no event before the reply that names the subscription; should one
    // come anyway, it is held until the id is known.
    const mine: { id?: string } = {};
    const early: EventNotificationParams[] = [];
    const off = this.on('events/event', (p) => {
      if (mine.id === undefined) early.push(p);
      else if (p.subscriptionId === mine.id) listener(p.event);
    });
    let result;
    try {
      result = await this.events.subscribe(params);
    } catch (error) {
      off();
      throw error;
    }
    const id = (mine.id = result.subscriptionId);
    for (const p of early) if (p.subscriptionId === id) listener(p.event);
    return {
      id,
      lastSeq: result.lastSeq,
      oldestSeq: result.oldestSeq,
      dispose: async () => {
        off();
        if (!this.transport.closed) await this.events.unsubscribe({ subscriptionId: result.subscriptionId });
      },
    };
  }

  /**
   * Listens to a notification (`attach/output`, `transcript/data`, ...), by its
   * declaration or its name (the name needs no declaration loaded: see NAMESPACES).
   */
  on<D extends NotificationDeclaration>(decl: D, listener: (params: ParamsOf<D>) => void): () => void;
  on<M extends ProtocolNotification['method']>(method: M, listener: (params: ParamsOf<NotificationNamed<M>>) => void): () => void;
  on(declOrMethod: NotificationDeclaration | string, listener: (params: never) => void): () => void {
    return this.onMethod(typeof declOrMethod === 'string' ? declOrMethod : declOrMethod.method, listener);
  }

  private onMethod<P>(method: string, listener: (params: P) => void): () => void {
    return this.transport.onNotification(method, (params) => listener(params as P));
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.transport.onClose(listener);
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  dispose(): void {
    this.transport.close();
  }
}

/** The handshake, sent before the typed methods exist (type-checked against its declaration). */
const INITIALIZE: RequestNamed<'initialize'>['method'] = 'initialize';

/** The handshake: this client's name and protocol version against the server's. */
async function initialize(transport: RpcTransport, options: SessdClientOptions): Promise<InitializeResult> {
  return (await send(transport, INITIALIZE, {
    clientName: options.clientName ?? 'sessd-sdk',
    clientVersion: options.clientVersion ?? SESSD_VERSION,
    protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION,
  })) as InitializeResult;
}

/** Sends one request; a JSON-RPC error reply becomes a SessdError naming the method. */
async function send(transport: RpcTransport, method: string, params: unknown): Promise<unknown> {
  try {
    return await transport.request(method, params ?? {});
  } catch (error) {
    throw error instanceof RpcReplyError ? new SessdError(method, error.error) : error;
  }
}
