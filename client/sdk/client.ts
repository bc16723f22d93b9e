import { homedir } from 'node:os';
import { resolvePaths, type SessdPaths } from '../../shared/paths.js';
import type { NotificationDeclaration, RequestDeclaration } from '../../shared/protocol/define.js';
import {
  AttachDetachRequest,
  AttachInputRequest,
  AttachResizeRequest,
  CheckpointGetRequest,
  CheckpointListRequest,
  DaemonMetricsRequest,
  DaemonShutdownRequest,
  DaemonStatusRequest,
  EventNotification,
  EventsSubscribeRequest,
  EventsUnsubscribeRequest,
  InitializeRequest,
  InteractionListRequest,
  InteractionRespondRequest,
  MessageGetRequest,
  MessageListRequest,
  ProviderListRequest,
  SessionApproveRequest,
  SessionAttachRequest,
  SessionCaptureRequest,
  SessionCheckpointRequest,
  SessionCreateRequest,
  SessionDeleteRequest,
  SessionGcRequest,
  SessionGetRequest,
  SessionInterruptRequest,
  SessionKeysRequest,
  SessionListRequest,
  SessionPauseRequest,
  SessionRestartRequest,
  SessionRestoreRequest,
  SessionResumeRequest,
  SessionSendRequest,
  SessionStartRequest,
  SessionStopRequest,
  SessionSuspendRequest,
  SessionTranscriptRequest,
  SessionUpdateRequest,
  SpaceListRequest,
  TemplateDeleteRequest,
  TemplateGetRequest,
  TemplateListRequest,
  TemplateSetRequest,
  TranscriptFollowRequest,
  TranscriptUnfollowRequest,
  type EventNotificationParams,
  type EventsSubscribeParams,
  type InitializeResult,
  type SessdEvent,
  type Session,
  type SessionListParams,
} from '../../shared/protocol/index.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import { autostart, autostartLogFile, type AutostartOptions } from './autostart.js';
import { DaemonUnreachableError, SessdError, UnsafeSocketError } from './errors.js';
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
}

/** A request as a typed method: params may be left out when the method takes none. */
type Call<P, R> = Record<string, never> extends P ? (params?: P) => Promise<R> : (params: P) => Promise<R>;

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
export class SessdClient {
  readonly session = {
    create: this.call(SessionCreateRequest),
    list: this.call(SessionListRequest),
    get: this.call(SessionGetRequest),
    update: this.call(SessionUpdateRequest),
    start: this.call(SessionStartRequest),
    stop: this.call(SessionStopRequest),
    restart: this.call(SessionRestartRequest),
    pause: this.call(SessionPauseRequest),
    resume: this.call(SessionResumeRequest),
    suspend: this.call(SessionSuspendRequest),
    delete: this.call(SessionDeleteRequest),
    send: this.call(SessionSendRequest),
    keys: this.call(SessionKeysRequest),
    interrupt: this.call(SessionInterruptRequest),
    capture: this.call(SessionCaptureRequest),
    transcript: this.call(SessionTranscriptRequest),
    checkpoint: this.call(SessionCheckpointRequest),
    restore: this.call(SessionRestoreRequest),
    attach: this.call(SessionAttachRequest),
    approve: this.call(SessionApproveRequest),
    gc: this.call(SessionGcRequest),
  };
  readonly checkpoint = { list: this.call(CheckpointListRequest), get: this.call(CheckpointGetRequest) };
  readonly attach = { input: this.call(AttachInputRequest), resize: this.call(AttachResizeRequest), detach: this.call(AttachDetachRequest) };
  readonly message = { list: this.call(MessageListRequest), get: this.call(MessageGetRequest) };
  readonly interaction = { list: this.call(InteractionListRequest), respond: this.call(InteractionRespondRequest) };
  readonly transcript = { follow: this.call(TranscriptFollowRequest), unfollow: this.call(TranscriptUnfollowRequest) };
  readonly template = {
    list: this.call(TemplateListRequest),
    get: this.call(TemplateGetRequest),
    set: this.call(TemplateSetRequest),
    delete: this.call(TemplateDeleteRequest),
  };
  readonly space = { list: this.call(SpaceListRequest) };
  readonly provider = { list: this.call(ProviderListRequest) };
  readonly daemon = { status: this.call(DaemonStatusRequest), metrics: this.call(DaemonMetricsRequest), shutdown: this.call(DaemonShutdownRequest) };

  private constructor(
    private readonly transport: RpcTransport,
    /** The daemon's answer to `initialize`. */
    readonly server: InitializeResult,
    readonly socket: string,
  ) {}

  /**
   * Connects and handshakes. Throws DaemonUnreachableError when nothing answers (after
   * starting sessd, with `autostart`), SessdError `protocol_mismatch` when the daemon
   * cannot serve this protocol version.
   */
  static async connect(options: SessdClientOptions = {}): Promise<SessdClient> {
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
      const server = (await transport.request(InitializeRequest.method, {
        clientName: options.clientName ?? 'sessd-sdk',
        clientVersion: options.clientVersion ?? SESSD_VERSION,
        protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION,
      })) as InitializeResult;
      return new SessdClient(transport, server, paths.socket);
    } catch (error) {
      transport.close();
      // Something listens but hung up before answering: out of file descriptors, or not sessd.
      if (error instanceof ConnectionClosedError) throw new DaemonUnreachableError(paths.socket, error.message, 'handshake');
      throw error instanceof RpcReplyError ? new SessdError(InitializeRequest.method, error.error) : error;
    }
  }

  /** Any declared request. */
  async request<P, R>(decl: RequestDeclaration<P, R>, params?: P): Promise<R> {
    try {
      return (await this.transport.request(decl.method, params ?? {})) as R;
    } catch (error) {
      throw error instanceof RpcReplyError ? new SessdError(decl.method, error.error) : error;
    }
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
    const off = this.on(EventNotification, (p) => {
      if (mine.id === undefined) early.push(p);
      else if (p.subscriptionId === mine.id) listener(p.event);
    });
    let result;
    try {
      result = await this.request(EventsSubscribeRequest, params);
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
        if (!this.transport.closed) await this.request(EventsUnsubscribeRequest, { subscriptionId: result.subscriptionId });
      },
    };
  }

  /** Listens to a notification (`attach/output`, `transcript/data`, ...). */
  on<P>(decl: NotificationDeclaration<P>, listener: (params: P) => void): () => void {
    return this.transport.onNotification(decl.method, (params) => listener(params as P));
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

  private call<P, R>(decl: RequestDeclaration<P, R>): Call<P, R> {
    return (params?: P) => this.request(decl, params);
  }
}
