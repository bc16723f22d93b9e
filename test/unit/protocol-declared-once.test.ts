import { ResponseError } from 'vscode-jsonrpc';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { SessdClient } from '../../client/sdk/client.js';
import { buildHandlers, type HandlerParts } from '../../daemon/handlers/index.js';
import { request, type HandlerContext } from '../../daemon/rpc/handler.js';
import { parseParams } from '../../daemon/rpc/validate.js';
import { defineRequest, type ParamsOf, type ResultOf } from '../../shared/protocol/define.js';
import { ALL_REQUESTS } from '../../shared/protocol/index.js';
import type { Message } from '../../shared/protocol/model.js';
import { SessionCaptureRequest, SessionKeysRequest, SessionSendRequest, type SessionSendParams } from '../../shared/protocol/session-io.js';

/** The daemon's handler table; a factory only keeps the parts it is given, so none are needed to read methods and schemas. */
const HANDLERS = buildHandlers({} as HandlerParts);

/** What parseParams threw, as the client would read it. */
function refusal(schema: z.ZodType, raw: unknown): { code: number; message: string; field: unknown } {
  try {
    parseParams(schema, raw);
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error;
    return { code: error.code, message: error.message, field: (error.data as { field?: unknown }).field };
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('each request is declared once, in shared/protocol', () => {
  it('every handler validates with its declaration’s own params schema', () => {
    const declared = new Map(ALL_REQUESTS.map((d) => [d.method, d]));
    expect(HANDLERS.length).toBeGreaterThan(40);
    for (const handler of HANDLERS) {
      const decl = declared.get(handler.method);
      expect(decl, handler.method).toBeDefined();
      expect(handler.params, handler.method).toBe(decl!.params);
    }
  });

  it('a field added to a shared params schema is accepted by the daemon; unknown ones are still refused', async () => {
    const params = SessionCaptureRequest.params.extend({ trim: z.boolean().optional() });
    const Extended = defineRequest('session/capture', params, SessionCaptureRequest.result);
    const seen: ParamsOf<typeof Extended>[] = [];
    const handler = request(Extended, (p) => {
      seen.push(p);
      return { text: '' };
    });

    const valid = parseParams(handler.params, { session: 'work', trim: true });
    await handler.run(valid, {} as HandlerContext);
    expect(seen).toEqual([{ session: 'work', trim: true }]);

    expect(refusal(handler.params, { session: 'work', trim: 'yes' })).toMatchObject({ code: -32602, field: 'trim' });
    expect(refusal(handler.params, { session: 'work', trimm: true })).toEqual({
      code: -32602,
      message: 'invalid params: trimm: unknown field',
      field: 'trimm',
    });
    // The declaration itself is unchanged: the field is unknown to it.
    expect(refusal(SessionCaptureRequest.params, { session: 'work', trim: true })).toMatchObject({ field: 'trim' });

    expectTypeOf<ParamsOf<typeof Extended>>().toEqualTypeOf<{ session: string; lines?: number; ansi?: boolean; trim?: boolean }>();
    // The SDK's generic request takes the extended schema's type (checked by tsc, never run).
    const sdkUse = (client: SessdClient) => {
      void client.request(Extended, { session: 'work', trim: true });
      // @ts-expect-error: the schema says `trim` is a boolean.
      void client.request(Extended, { session: 'work', trim: 'yes' });
    };
    expectTypeOf(sdkUse).toBeFunction();
  });

  it('the refinements live with the schema: the daemon’s messages come from shared/protocol', () => {
    expect(refusal(SessionSendRequest.params, { session: 'w', text: 'x', expiresInMs: 5 })).toEqual({
      code: -32602,
      message: 'invalid params: expiresInMs: only a message sent when: "idle" waits, and can expire',
      field: 'expiresInMs',
    });
    expect(refusal(SessionKeysRequest.params, { session: 'w', keys: ['Entr'] })).toMatchObject({
      message: 'invalid params: keys[0]: unknown key name "Entr" (to type text, use session/send)',
    });
  });

  it('the SDK’s methods are typed by the declarations', () => {
    type Send = SessdClient['session']['send'];
    expectTypeOf<Parameters<Send>[0]>().toEqualTypeOf<z.infer<typeof SessionSendRequest.params>>();
    expectTypeOf<Parameters<Send>[0]>().toEqualTypeOf<SessionSendParams>();
    expectTypeOf<ReturnType<Send>>().toEqualTypeOf<Promise<Message>>();
    expectTypeOf<ResultOf<typeof SessionSendRequest>>().toEqualTypeOf<Message>();
    expectTypeOf<Parameters<SessdClient['session']['keys']>[0]>().toEqualTypeOf<z.infer<typeof SessionKeysRequest.params>>();
    expectTypeOf(SessionSendRequest.method).toEqualTypeOf<'session/send'>();
    expect(SessionSendRequest.method).toBe('session/send');
  });
});
