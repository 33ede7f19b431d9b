// A strict, minimal DER reader for checking CMS signatures independently of the code that made them.
// Definite lengths and low tag numbers only: that is all DER CMS and X.509 use. Strict DER (X.690
// §10): lengths in their shortest form, OIDs without padding or a dangling continuation byte, times
// that are real dates. OpenSSL's parser accepts non-minimal (BER) lengths; DER forbids them.

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
    if (buf[pos] === 0) throw new Error(`DER: non-minimal length (leading zero byte) at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++];
    if (length < 0x80) throw new Error(`DER: non-minimal length (long form for ${length}) at ${offset}`);
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
  if (bytes[bytes.length - 1] & 0x80) throw new Error('DER: OID ends inside a sub-identifier (dangling continuation byte)');
  const parts: number[] = [];
  let value = 0;
  let fresh = true;
  for (const byte of bytes) {
    if (fresh && byte === 0x80) throw new Error('DER: OID sub-identifier with a leading 0x80 (non-minimal)');
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new Error('DER: OID sub-identifier too large');
    value = value * 128 + (byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** UTCTime (0x17, YYMMDDhhmmssZ) or GeneralizedTime (0x18, YYYYMMDDhhmmssZ) as ISO-8601; the date must exist. */
export function timeOf(buf: Buffer, node: Tlv): string {
  const text = contentOf(buf, node).toString('latin1');
  const digits = node.tag === 0x17 ? 2 : node.tag === 0x18 ? 4 : 0;
  const m = new RegExp(`^(\\d{${digits}})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(\\d{2})Z$`).exec(text);
  if (!digits || !m) throw new Error(`DER: unsupported time ${JSON.stringify(text)}`);
  const year = digits === 2 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const [month, day, hour, minute, second] = m.slice(2).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 13/32/24:60 over into the next unit: a real date reads back unchanged.
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!real) throw new Error(`DER: time out of range ${JSON.stringify(text)}`);
  return date.toISOString();
}
