import { createConnection, type Socket } from 'node:net';
import { expect } from 'vitest';
import {
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { ParamsOf, RequestDeclaration, ResultOf } from '../../shared/protocol/define.js';
import { EventNotification, EventsSubscribeRequest, type EventsSubscribeParams } from '../../shared/protocol/events.js';
import { InitializeRequest, type InitializeResult } from '../../shared/protocol/initialize.js';
import type { SessdEvent } from '../../shared/protocol/model.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { Wakeable } from './wait.js';

/**
 * A plain JSON-RPC client over the shared declarations: what any client does, with
 * nothing from the daemon's code. Collects events so a test can wait for one.
 */
export class TestClient {
  readonly events: SessdEvent[] = [];
  private readonly changes = new Wakeable();
  closed = false;

  private constructor(
    readonly socket: Socket,
    readonly rpc: MessageConnection,
  ) {
    rpc.onNotification(EventNotification.method, ({ event }: { event: SessdEvent }) => {
      this.events.push(event);
      this.changes.wake();
    });
    rpc.onClose(() => {
      this.closed = true;
      this.changes.wake();
    });
    rpc.listen();
  }

  static async connect(path: string, options: { initialize?: boolean } = {}): Promise<TestClient> {
    const socket = createConnection(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new TestClient(socket, createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)));
    if (options.initialize !== false) await client.initialize();
    return client;
  }

  initialize(protocolVersion: unknown = PROTOCOL_VERSION): Promise<InitializeResult> {
    return this.rpc.sendRequest(InitializeRequest.method, { clientName: 'sessd-tests', clientVersion: '1', protocolVersion });
  }

  request<D extends RequestDeclaration>(decl: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    return this.rpc.sendRequest(decl.method, params);
  }

  /** Any method and params, for testing what the daemon does with bad input. */
  raw(method: string, params?: unknown): Promise<unknown> {
    return params === undefined ? this.rpc.sendRequest(method) : this.rpc.sendRequest(method, params);
  }

  async subscribe(params: EventsSubscribeParams = {}): Promise<string> {
    return (await this.request(EventsSubscribeRequest, params)).subscriptionId;
  }

  /** Resolves with the first collected event (from `from` on) that matches; waits for more if needed. */
  waitForEvent(match: (e: SessdEvent) => boolean, from = 0): Promise<SessdEvent> {
    return this.changes.until(
      () => {
        const found = this.events.slice(from).find(match);
        if (found === undefined && this.closed) throw new Error('connection closed while waiting for an event');
        return found;
      },
      () => `no matching event; got ${JSON.stringify(this.events.map((e) => e.type))}`,
    );
  }

  close(): void {
    this.rpc.dispose();
    this.socket.destroy();
  }
}

/** Asserts that `promise` rejects with the given JSON-RPC code and, for application errors, data.code. */
export async function expectError(promise: Promise<unknown>, code: number, name?: string): Promise<ResponseError<unknown>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseError);
    const e = error as ResponseError<{ code?: string }>;
    expect({ code: e.code, name: e.data?.code }).toEqual({ code, name: name ?? e.data?.code });
    return e;
  }
  throw new Error(`expected error ${code}${name === undefined ? '' : ` (${name})`}, but the request succeeded`);
}
