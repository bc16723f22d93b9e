/**
 * Where a byte buffer can be cut without splitting a UTF-8 character: `end` moved
 * back over an incomplete trailing sequence (at most 3 bytes). Bytes that can never
 * form a character are not held back: they would wait forever.
 */
export function utf8Cut(buf: Uint8Array, end = buf.length): number {
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = buf[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xc2 && byte < 0xe0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}
