// A minimal DER encoder and reader: just what CMS SignedData, X.509 fields and signature checks need.
// Hand-written so that hashing and signing stay in node:crypto and no byte is re-encoded by a library.

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export function seq(...items: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(items));
}

/** SET OF in DER: elements sorted by their encodings (X.690 §11.6). */
export function setOf(...items: Buffer[]): Buffer {
  return tlv(TAG.set, Buffer.concat([...items].sort(Buffer.compare)));
}

/** [n] IMPLICIT or EXPLICIT context tag; `constructed` for anything wrapping other TLVs. */
export function contextTag(n: number, content: Buffer, constructed = true): Buffer {
  return tlv(0x80 | (constructed ? 0x20 : 0) | n, content);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const group: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) group.unshift((n & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

/** INTEGER from a non-negative number or big-endian unsigned bytes (a leading 0 added when needed). */
export function integer(value: number | Buffer): Buffer {
  let bytes = typeof value === 'number' ? numberBytes(value) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1] < 0x80) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(TAG.integer, bytes);
}

function numberBytes(value: number): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

export function octetString(content: Buffer): Buffer {
  return tlv(TAG.octetString, content);
}

export function bitString(content: Buffer): Buffer {
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([0]), content]));
}

export function nullValue(): Buffer {
  return Buffer.from([TAG.null, 0]);
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

export function boolean(value: boolean): Buffer {
  return Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return tlv(TAG.generalizedTime, Buffer.from(`${digits}Z`, 'latin1'));
}

// ---- reading ----

export interface Node {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

/** Read one TLV at `offset`; throws on truncated or indefinite-length input (DER forbids it). */
export function readNode(buf: Buffer, offset = 0, limit = buf.length): Node {
  if (offset + 2 > limit) throw new Error('DER: truncated');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let length = buf[offset + 1];
  let pos = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    if (pos + count > limit) throw new Error('DER: truncated length');
    // X.690 §10.1: the shortest form only (BER's padded lengths would let two encodings sign alike).
    if (buf[pos] === 0) throw new Error('DER: non-minimal length (leading zero byte)');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos + i];
    if (length < 0x80) throw new Error('DER: non-minimal length (long form for a short length)');
    pos += count;
  }
  if (pos + length > limit) throw new Error('DER: content runs past its container');
  return { tag, start: offset, contentStart: pos, end: pos + length };
}

export function children(buf: Buffer, node: Node): Node[] {
  const out: Node[] = [];
  for (let pos = node.contentStart; pos < node.end; ) {
    const child = readNode(buf, pos, node.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function content(buf: Buffer, node: Node): Buffer {
  return buf.subarray(node.contentStart, node.end);
}

export function whole(buf: Buffer, node: Node): Buffer {
  return buf.subarray(node.start, node.end);
}

/** Throws on an empty OID, a dangling continuation byte or a padded (0x80-led) sub-identifier. */
export function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) throw new Error('DER: empty OID');
  if (bytes[bytes.length - 1] & 0x80) throw new Error('DER: OID ends inside a sub-identifier (dangling continuation byte)');
  const parts: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (value === 0 && bytes[i] === 0x80) throw new Error('DER: OID sub-identifier with a leading 0x80 (non-minimal)');
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new Error('DER: OID sub-identifier too large');
    value = value * 128 + (bytes[i] & 0x7f);
    if (!(bytes[i] & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Expect a node with a given tag, naming what was expected when the input is malformed. */
export function expectTag(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new Error(`DER: ${what} expected`);
  return node;
}
