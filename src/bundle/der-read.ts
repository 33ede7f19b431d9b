// A strict, minimal DER reader for checking CMS signatures independently of the code that made them.
// Definite lengths and low tag numbers only: that is all DER CMS and X.509 use.

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new Error(`DER: truncated header at ${offset}`);
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: high tag number at ${offset}`);
  let pos = offset + 1;
  let length = buf[pos++];
  if (length === 0x80) throw new Error(`DER: indefinite length at ${offset}`);
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4 || pos + count > limit) throw new Error(`DER: bad length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++];
  }
  const end = pos + length;
  if (end > limit) throw new Error(`DER: content overruns its container at ${offset}`);
  return { tag, start: offset, contentStart: pos, end };
}

export function childrenOf(buf: Buffer, node: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = node.contentStart; pos < node.end; ) {
    const child = readTlv(buf, pos, node.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function contentOf(buf: Buffer, node: Tlv): Buffer {
  return buf.subarray(node.contentStart, node.end);
}

export function bytesOf(buf: Buffer, node: Tlv): Buffer {
  return buf.subarray(node.start, node.end);
}

export function expect(node: Tlv | undefined, tag: number, what: string): Tlv {
  if (!node || node.tag !== tag) {
    const found = node ? `0x${node.tag.toString(16)}` : 'nothing';
    throw new Error(`DER: expected ${what} (tag 0x${tag.toString(16)}), found ${found}`);
  }
  return node;
}

export function oidOf(buf: Buffer, node: Tlv): string {
  const bytes = contentOf(buf, expect(node, 0x06, 'OBJECT IDENTIFIER'));
  if (bytes.length === 0) throw new Error('DER: empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** UTCTime (0x17) or GeneralizedTime (0x18) as an ISO-8601 string. */
export function timeOf(buf: Buffer, node: Tlv): string {
  const text = contentOf(buf, node).toString('latin1');
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m || (node.tag !== 0x17 && node.tag !== 0x18)) throw new Error(`DER: unsupported time ${JSON.stringify(text)}`);
  const year = m[1].length === 2 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))).toISOString();
}
