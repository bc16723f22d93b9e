import { describe, expect, it } from 'vitest';
import { FrameParser, MAX_HEADER_BYTES, parseEnvelope } from '../../daemon/rpc/framing.js';

const frame = (body: string, header?: string): Buffer =>
  Buffer.from(`${header ?? `Content-Length: ${Buffer.byteLength(body)}`}\r\n\r\n${body}`);

describe('FrameParser', () => {
  it('reads frames split and merged across chunks', () => {
    const p = new FrameParser(1024);
    const bytes = Buffer.concat([frame('{"a":1}'), frame('{"b":"é"}')]);
    const events = [...bytes].flatMap((byte) => p.push(Buffer.from([byte])));
    expect(events.map((e) => (e.kind === 'frame' ? e.body.toString() : e))).toEqual(['{"a":1}', '{"b":"é"}']);
  });

  it('accepts a utf-8 Content-Type and other headers', () => {
    const p = new FrameParser(1024);
    const events = p.push(frame('{}', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\nX-Other: 1'));
    expect(events).toEqual([{ kind: 'frame', body: Buffer.from('{}') }]);
  });

  it.each([
    ['no Content-Length', 'Content-Type: application/json', -32700],
    ['a negative length', 'Content-Length: -5', -32700],
    ['a length that is not a number', 'Content-Length: 12abc', -32700],
    ['a huge length', 'Content-Length: 99999999999999999999', -32700],
    ['a length given twice', 'Content-Length: 2\r\nContent-Length: 2', -32700],
    ['a header line without a colon', 'Content-Length 2', -32700],
    ['a non-UTF-8 charset', 'Content-Length: 2\r\nContent-Type: text/plain; charset=latin1', -32700],
    ['a non-ASCII header', 'Content-Length: 2\r\nX: é', -32700],
    ['a frame over the limit', 'Content-Length: 2048', -32007],
  ])('refuses %s', (_what, header, code) => {
    const events = new FrameParser(1024).push(frame('{}', header));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'error', error: { code } });
  });

  it('refuses a header that never ends, once it passes the header limit', () => {
    const p = new FrameParser(1024);
    expect(p.push(Buffer.from('Content-Length: 2\r\n'))).toEqual([]);
    const events = p.push(Buffer.alloc(MAX_HEADER_BYTES, 'x'));
    expect(events[0]).toMatchObject({ kind: 'error', error: { code: -32700 } });
  });

  it('stops after an error and holds nothing', () => {
    const p = new FrameParser(1024);
    p.push(Buffer.from('garbage\r\n\r\n'));
    expect(p.push(frame('{}'))).toEqual([]);
    expect(p.buffered).toBe(0);
  });
});

describe('parseEnvelope', () => {
  const parse = (text: string) => parseEnvelope(Buffer.from(text));

  it('accepts requests and notifications', () => {
    expect(parse('{"jsonrpc":"2.0","id":1,"method":"x","params":{}}').kind).toBe('message');
    expect(parse('{"jsonrpc":"2.0","method":"x"}').kind).toBe('message');
    expect(parse('{"jsonrpc":"2.0","id":"a","method":"x","params":[]}').kind).toBe('message');
  });

  it.each([
    ['not JSON', '{"jsonrpc":', -32700, null],
    ['invalid UTF-8', '\u00ff', -32700, null],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"x"}]', -32600, null],
    ['a scalar', '42', -32600, null],
    ['no jsonrpc field', '{"id":3,"method":"x"}', -32600, 3],
    ['jsonrpc 1.0', '{"jsonrpc":"1.0","id":"q","method":"x"}', -32600, 'q'],
    ['no method', '{"jsonrpc":"2.0","id":4,"result":1}', -32600, 4],
    ['a null id', '{"jsonrpc":"2.0","id":null,"method":"x"}', -32600, null],
    ['an object id', '{"jsonrpc":"2.0","id":{},"method":"x"}', -32600, null],
    ['scalar params', '{"jsonrpc":"2.0","id":5,"method":"x","params":7}', -32600, 5],
  ])('refuses %s', (_what, text, code, id) => {
    const body = text === '\u00ff' ? Buffer.from([0xff, 0xfe]) : Buffer.from(text);
    const result = parseEnvelope(body);
    expect(result).toMatchObject({ kind: 'error', id, error: { code } });
  });
});
