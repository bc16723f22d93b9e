import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHandlers, type HandlerParts } from '../../daemon/handlers/index.js';
import { ALL_REQUESTS, DaemonStatusRequest, PROTOCOL_VERSION } from '../../shared/protocol/index.js';
import { isAlive } from '../helpers/processes.js';
import { useDaemon } from '../helpers/harness.js';
import { figure, mib, rssOf, runSeed } from './figures.js';
import { frame, RawConnection } from './raw.js';

/** The daemon's handler table; a factory only keeps the parts it is given, so none are needed to read methods and schemas. */
const HANDLERS = buildHandlers({} as HandlerParts);

/** The frame limit here, small so that over-limit frames are cheap to send. */
const FRAME_BYTES = 65_536;
/** Garbage frames, each on a connection of its own (the daemon closes those). */
const GARBAGE_FRAMES = 2_500;
/** Well-framed requests with a param of a wrong type, pipelined on a few connections. */
const BAD_PARAM_FRAMES = 8_000;
const BAD_PARAM_CONNECTIONS = 4;
const PIPELINE = 50;
/** Garbage connections open at once. */
const GARBAGE_CONCURRENCY = 8;
/** How far the daemon's RSS may grow over the run: a bound on leaks, not on speed. */
const RSS_GROWTH_LIMIT_BYTES = 128 * 1024 * 1024;
/** Never sent: valid with `{}`, it would stop the daemon under test. */
const SKIPPED = new Set(['daemon/shutdown']);
const T = 'fuzz';

const h = useDaemon({ config: `limits:\n  frameBytes: ${FRAME_BYTES}\n` });
const init = frame(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { clientName: 'fuzz', clientVersion: '1', protocolVersion: PROTOCOL_VERSION } }));

/** Transport garbage: random bytes, broken headers, bad lengths, bodies that are not JSON-RPC. */
const garbage: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(`${s}\r\n\r\n{}`)),
  fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.double().map(String), fc.string({ maxLength: 20 }))
    .map((len) => Buffer.from(`Content-Length: ${len}\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"daemon/status"}`)),
  fc.string({ maxLength: 500 }).map((body) => frame(body)),
  fc.uint8Array({ maxLength: 500 }).map((b) => frame(Buffer.from(b))),
  fc.jsonValue().map((v) => frame(JSON.stringify(v))),
  fc.record({ jsonrpc: fc.anything(), id: fc.anything(), method: fc.anything(), params: fc.anything() }, { requiredKeys: [] }).map((o) => frame(JSON.stringify(o) ?? 'null')),
  // Params that are neither an object nor an array make the request itself invalid.
  fc.tuple(fc.constantFrom(...ALL_REQUESTS.map((d) => d.method)), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null))).map(([method, params]) =>
    frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })),
  ),
  fc.nat({ max: 4096 }).map((n) => Buffer.from(`Content-Length: ${n + 10}\r\n\r\n${'x'.repeat(n)}`)),
  fc.constantFrom('content-length', 'Content-Length ', 'Content-Length:', 'Content-Type: text/plain; charset=latin1\r\nContent-Length').map(
    (h) => Buffer.from(`${h}: 2\r\n\r\n{}`),
  ),
);

/** Every served method's params, by name, from the handlers' own schemas. */
const servedBy = new Map(HANDLERS.map((handler) => [handler.method, handler]));

function paramKeys(method: string): string[] {
  const shape = (servedBy.get(method)?.params as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? ['session'] : Object.keys(shape);
}

/** For each method and each of its params: params with that one of a wrong type, that the method's schema refuses. */
function badParams(count: number, seed: number): { method: string; params: unknown }[] {
  const targets = ALL_REQUESTS.map((d) => d.method)
    .filter((m) => !SKIPPED.has(m) && m !== 'initialize')
    .flatMap((method) => paramKeys(method).map((key) => ({ method, key })));
  const perTarget = Math.ceil(count / targets.length);
  const out: { method: string; params: unknown }[] = [];
  targets.forEach(({ method, key }, i) => {
    const schema = servedBy.get(method)?.params;
    const arb = fc.oneof(
      fc.record({ [key]: fc.jsonValue() }),
      fc.record({ session: fc.constant('nobody'), [key]: fc.jsonValue() }),
      fc.array(fc.jsonValue(), { maxLength: 3 }), // positional params, which no method takes
    );
    // Judged as the daemon will see them: after the trip through JSON (-0 becomes 0, and so on).
    const refused = arb
      .map((p) => JSON.parse(JSON.stringify(p)) as unknown)
      .filter((p) => schema === undefined || !schema.safeParse(p).success);
    for (const params of fc.sample(refused, { numRuns: perTarget, seed: seed + i })) out.push({ method, params });
  });
  return out.slice(0, count);
}

/** Known-bad input, by name: each must be answered or its connection closed, with the daemon up. */
/** Marks input that is incomplete by design: the test ends its side, and the daemon must then close. */
const END = true;
/** Hang guard for the daemon to answer or close after a known-bad case: it does so in milliseconds. */
const ANSWER_GUARD_MS = 10_000;

type Case = [string, Buffer | string] | [string, typeof END, Buffer | string];

const KNOWN_BAD: Case[] = [
  ['negative Content-Length', 'Content-Length: -1\r\n\r\n{}'],
  ['Content-Length past 2^64', 'Content-Length: 99999999999999999999999\r\n\r\n{}'],
  ['Content-Length over the frame limit', `Content-Length: ${FRAME_BYTES + 1}\r\n\r\n`],
  ['Content-Length of a terabyte', 'Content-Length: 1099511627776\r\n\r\n'],
  ['Content-Length not a number', 'Content-Length: ten\r\n\r\n{}'],
  ['Content-Length in hex', 'Content-Length: 0x10\r\n\r\n{}'],
  ['Content-Length twice', 'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}'],
  ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
  ['charset that is not UTF-8', 'Content-Type: application/json; charset=latin1\r\nContent-Length: 2\r\n\r\n{}'],
  ['header with no colon', 'Content-Length 2\r\n\r\n{}'],
  ['bare LF line ends (no header end yet)', END, 'Content-Length: 2\n\n{}'],
  ['header longer than its limit', `X-Pad: ${'a'.repeat(20_000)}\r\n\r\n`],
  ['header that never ends', END, 'Content-Length: 2\r\n'],
  ['body shorter than its length, then EOF', END, 'Content-Length: 100\r\n\r\n{"jsonrpc"'],
  ['body not JSON', frame('{"jsonrpc": "2.0", "id": 1,')],
  ['body invalid UTF-8', frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
  ['body a UTF-8 BOM then JSON', frame(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"jsonrpc":"2.0","id":1,"method":"daemon/status"}')]))],
  ['body null', frame('null')],
  ['body a string', frame('"daemon/status"')],
  ['body an empty batch', frame('[]')],
  ['body a batch', frame('[{"jsonrpc":"2.0","id":1,"method":"daemon/status"}]')],
  ['JSON nested 50000 deep', frame(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)],
  ['number past double range', frame('{"jsonrpc":"2.0","id":1e400,"method":"daemon/status"}')],
  ['id an object', frame('{"jsonrpc":"2.0","id":{"a":1},"method":"daemon/status"}')],
  ['method a number', frame('{"jsonrpc":"2.0","id":1,"method":42}')],
  ['jsonrpc 1.0', frame('{"jsonrpc":"1.0","id":1,"method":"daemon/status"}')],
  ['a response nobody asked for', frame('{"jsonrpc":"2.0","id":77,"result":{}}')],
  ['request before initialize', frame('{"jsonrpc":"2.0","id":1,"method":"session/list","params":{}}')],
  ['initialize with protocol version 2', frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientName":"x","clientVersion":"1","protocolVersion":2}}')],
  ['initialize twice', Buffer.concat([init, init])],
  ['__proto__ in params', Buffer.concat([init, frame('{"jsonrpc":"2.0","id":1,"method":"session/create","params":{"__proto__":{"name":"x"},"constructor":{"prototype":{"x":1}}}}')])],
  ['lone surrogate in a string', Buffer.concat([init, frame('{"jsonrpc":"2.0","id":1,"method":"session/get","params":{"session":"\\ud800"}}')])],
  ['NUL in a session name', Buffer.concat([init, frame('{"jsonrpc":"2.0","id":1,"method":"session/create","params":{"name":"a\\u0000b","command":["true"]}}')])],
  ['the same id twice in flight', Buffer.concat([init, frame('{"jsonrpc":"2.0","id":5,"method":"daemon/status"}'), frame('{"jsonrpc":"2.0","id":5,"method":"daemon/status"}')])],
  ['cancel of a request never sent', Buffer.concat([init, frame('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"nope"}}')])],
  ['a good frame, then garbage', Buffer.concat([init, Buffer.from('garbage\r\n\r\n')])],
];

describe('fuzzed frames', () => {
  it(`answers or closes each of ${GARBAGE_FRAMES + BAD_PARAM_FRAMES} generated frames and a table of known-bad ones, stays up with bounded memory, and serves a good client throughout`, async () => {
    const seed = runSeed(T);
    const pid = h.daemon.pid;
    const rssStart = rssOf(pid);
    let rssMax = rssStart;
    const sample = (): void => {
      rssMax = Math.max(rssMax, rssOf(pid));
    };
    // The well-behaved client: asks for the daemon's status over and over while the fuzzing runs.
    let fuzzing = true;
    let goodServed = 0;
    const canaryErrors: unknown[] = [];
    const canary = (async () => {
      while (fuzzing) {
        await h.client.request(DaemonStatusRequest, {});
        goodServed++;
      }
    })().catch((error: unknown) => canaryErrors.push(error));
    const outcomes = { answered: 0, closed: 0, internalErrors: [] as string[], garbled: [] as string[] };
    const judge = (name: string, conn: RawConnection): void => {
      if (conn.garbled !== null) outcomes.garbled.push(`${name}: ${conn.garbled.slice(0, 200)}`);
      for (const reply of conn.replies) {
        if (reply.error?.code === -32603) outcomes.internalErrors.push(`${name}: ${reply.error.message}`);
      }
      if (conn.replies.length > 0) outcomes.answered++;
      if (conn.closed) outcomes.closed++;
    };

    // 1. Garbage, a connection each; what is left unread at our end of input must close it.
    const started = performance.now();
    const frames = fc.sample(garbage, { numRuns: GARBAGE_FRAMES, seed });
    let next = 0;
    await Promise.all(
      Array.from({ length: GARBAGE_CONCURRENCY }, async () => {
        while (next < frames.length) {
          const i = next++;
          const conn = await RawConnection.open(h.paths.socket);
          conn.write(frames[i]!);
          conn.socket.end();
          await conn.done;
          judge(`garbage #${i} ${JSON.stringify(frames[i]!.subarray(0, 80).toString('latin1'))}`, conn);
          if (i % 250 === 0) sample();
        }
      }),
    );

    // 2. Well-framed requests whose params are wrong: each answered -32602 naming the field (-32601 if not served).
    const requests = badParams(BAD_PARAM_FRAMES, seed);
    const wrongAnswers: string[] = [];
    let sent = 0;
    await Promise.all(
      Array.from({ length: BAD_PARAM_CONNECTIONS }, async (_, c) => {
        const conn = await RawConnection.open(h.paths.socket);
        conn.write(init);
        await conn.until(1);
        const mine = requests.filter((_r, i) => i % BAD_PARAM_CONNECTIONS === c);
        for (let i = 0; i < mine.length; i += PIPELINE) {
          const batch = mine.slice(i, i + PIPELINE);
          const before = conn.replies.length;
          conn.write(Buffer.concat(batch.map((r, j) => frame(JSON.stringify({ jsonrpc: '2.0', id: i + j + 1, method: r.method, params: r.params })))));
          await conn.until(before + batch.length);
          expect(conn.closed, 'a well-framed request closed its connection').toBe(false);
          for (const reply of conn.replies.slice(before)) {
            const r = batch[(reply.id as number) - i - 1]!;
            const expected = servedBy.has(r.method) ? -32602 : -32601;
            const ok = reply.error?.code === expected && (expected === -32601 || typeof reply.error.data?.field === 'string');
            if (!ok) wrongAnswers.push(`${r.method} ${JSON.stringify(r.params)?.slice(0, 200)} → ${JSON.stringify(reply).slice(0, 300)}`);
          }
          sent += batch.length;
          sample();
        }
        judge(`bad params on connection ${c}`, conn);
        conn.close();
      }),
    );
    const generatedMs = performance.now() - started;

    // 3. The named table.
    const table: string[] = [];
    for (const entry of KNOWN_BAD) {
      const [name, bytes] = entry.length === 3 ? [entry[0], entry[2]] : entry;
      const conn = await RawConnection.open(h.paths.socket);
      conn.write(bytes);
      // Complete input must be answered (a reply or a close) without help; incomplete input once we end ours.
      if (entry.length === 3) conn.socket.end();
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        conn.until(1).then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(resolve, ANSWER_GUARD_MS, false))),
      ]);
      clearTimeout(timer);
      expect(answered, `${name}: neither answered nor closed`).toBe(true);
      // Let the daemon finish what it does with the connection: close it, or leave it open for more requests.
      conn.close();
      judge(name, conn);
      table.push(`${name}: ${conn.replies.map((r) => r.error?.code ?? 'ok').join(' ') || 'closed without a reply'}`);
      sample();
    }
    fuzzing = false;
    await canary;

    expect(isAlive(pid)).toBe(true);
    expect(outcomes.internalErrors).toEqual([]);
    expect(outcomes.garbled).toEqual([]);
    expect(wrongAnswers.slice(0, 10)).toEqual([]);
    expect(sent).toBe(requests.length);
    expect(rssMax - rssStart).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);
    expect(canaryErrors).toEqual([]);
    expect(goodServed).toBeGreaterThan(0);
    const status = await h.client.request(DaemonStatusRequest, {});
    expect(status.pid).toBe(pid);

    figure(T, 'generated frames', frames.length + requests.length);
    figure(T, 'garbage frames (a connection each)', frames.length);
    figure(T, 'well-framed requests with a wrong-typed param', `${requests.length} over ${new Set(requests.map((r) => r.method)).size} methods`);
    figure(T, 'known-bad cases', KNOWN_BAD.length);
    figure(T, 'connections answered / closed', `${outcomes.answered} / ${outcomes.closed}`);
    figure(T, 'internal errors', outcomes.internalErrors.length);
    figure(T, 'generated frames per second', ((frames.length + requests.length) / generatedMs) * 1000);
    figure(T, 'good client requests served meanwhile', goodServed);
    figure(T, 'daemon RSS at start / peak / growth', `${mib(rssStart).toFixed(1)} / ${mib(rssMax).toFixed(1)} / ${mib(rssMax - rssStart).toFixed(1)}`, 'MiB');
    console.log(`known-bad cases (the first reply's error code, or ok):\n  ${table.join('\n  ')}`);
  });
});
