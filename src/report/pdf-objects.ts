// PDF object syntax (ISO 32000-1 §7.3): a small parser and writer for the dictionaries the signer
// reads and rewrites (trailer, catalog, page, AcroForm). Bytes are handled as latin1 throughout.

export interface PdfName {
  kind: 'name';
  name: string;
}
export interface PdfString {
  kind: 'string';
  bytes: Buffer;
}
export interface PdfRef {
  kind: 'ref';
  num: number;
  gen: number;
}
export interface PdfDict {
  kind: 'dict';
  entries: Map<string, PdfValue>;
}
export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfValue[];

export const name = (n: string): PdfName => ({ kind: 'name', name: n });
export const ref = (num: number, gen = 0): PdfRef => ({ kind: 'ref', num, gen });
export const dict = (entries: [string, PdfValue][]): PdfDict => ({ kind: 'dict', entries: new Map(entries) });

export function isDict(v: PdfValue | undefined): v is PdfDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
}
export function isRef(v: PdfValue | undefined): v is PdfRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'ref';
}
export function isName(v: PdfValue | undefined, expected?: string): v is PdfName {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'name' && (expected === undefined || v.name === expected);
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
export { WHITESPACE as WHITESPACE_BYTES, DELIMITERS as DELIMITER_BYTES };
const isRegular = (b: number): boolean => !WHITESPACE.has(b) && !DELIMITERS.has(b);

export function skipSpace(buf: Buffer, pos: number): number {
  while (pos < buf.length) {
    if (WHITESPACE.has(buf[pos])) pos++;
    else if (buf[pos] === 0x25) while (pos < buf.length && buf[pos] !== 0x0a && buf[pos] !== 0x0d) pos++;
    else break;
  }
  return pos;
}

export function readToken(buf: Buffer, pos: number): { token: string; end: number } {
  let end = pos;
  while (end < buf.length && isRegular(buf[end])) end++;
  return { token: buf.toString('latin1', pos, end), end };
}

export interface Parsed<T> {
  value: T;
  end: number;
}

const MAX_DEPTH = 64;

/** Parse one value at `pos` (leading whitespace allowed); throws on malformed syntax. */
export function parseValue(buf: Buffer, pos: number, depth = 0): Parsed<PdfValue> {
  if (depth > MAX_DEPTH) throw new Error('PDF: nesting too deep');
  pos = skipSpace(buf, pos);
  if (pos >= buf.length) throw new Error('PDF: unexpected end of data');
  const c = buf[pos];
  if (c === 0x2f) return parseName(buf, pos + 1);
  if (c === 0x3c && buf[pos + 1] === 0x3c) return parseDict(buf, pos + 2, depth);
  if (c === 0x3c) return parseHexString(buf, pos + 1);
  if (c === 0x28) return parseLiteralString(buf, pos + 1);
  if (c === 0x5b) {
    const items: PdfValue[] = [];
    let p = skipSpace(buf, pos + 1);
    while (buf[p] !== 0x5d) {
      if (p >= buf.length) throw new Error('PDF: unterminated array');
      const item = parseValue(buf, p, depth + 1);
      items.push(item.value);
      p = skipSpace(buf, item.end);
    }
    return { value: items, end: p + 1 };
  }
  const { token, end } = readToken(buf, pos);
  if (token === 'true' || token === 'false') return { value: token === 'true', end };
  if (token === 'null') return { value: null, end };
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token)) {
    if (/^\d+$/.test(token)) {
      // "12 0 R" is a reference: look ahead for the generation and the R.
      const m = /^\s+(\d+)\s+R(?![^\s\/<>\[\]()%{}])/.exec(buf.toString('latin1', end, Math.min(buf.length, end + 32)));
      if (m) return { value: ref(Number(token), Number(m[1])), end: end + m[0].length };
    }
    return { value: Number(token), end };
  }
  throw new Error(`PDF: unexpected token at ${pos}`);
}

function parseName(buf: Buffer, pos: number): Parsed<PdfName> {
  const { token, end } = readToken(buf, pos);
  return { value: name(token.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))), end };
}

function parseDict(buf: Buffer, pos: number, depth: number): Parsed<PdfDict> {
  const entries = new Map<string, PdfValue>();
  let p = skipSpace(buf, pos);
  while (!(buf[p] === 0x3e && buf[p + 1] === 0x3e)) {
    if (p >= buf.length) throw new Error('PDF: unterminated dictionary');
    const key = parseValue(buf, p, depth + 1);
    if (!isName(key.value)) throw new Error(`PDF: dictionary key expected at ${p}`);
    const value = parseValue(buf, key.end, depth + 1);
    entries.set(key.value.name, value.value);
    p = skipSpace(buf, value.end);
  }
  return { value: { kind: 'dict', entries }, end: p + 2 };
}

function parseHexString(buf: Buffer, pos: number): Parsed<PdfString> {
  const close = buf.indexOf(0x3e, pos);
  if (close < 0) throw new Error('PDF: unterminated hex string');
  let hex = buf.toString('latin1', pos, close).replace(/[^0-9A-Fa-f]/g, '');
  if (hex.length % 2) hex += '0';
  return { value: { kind: 'string', bytes: Buffer.from(hex, 'hex') }, end: close + 1 };
}

const ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c };

function parseLiteralString(buf: Buffer, pos: number): Parsed<PdfString> {
  const out: number[] = [];
  let depth = 1;
  let p = pos;
  while (p < buf.length) {
    const c = buf[p++];
    if (c === 0x5c) {
      const e = buf[p++];
      const ch = String.fromCharCode(e);
      if (ch in ESCAPES) out.push(ESCAPES[ch]);
      else if (e >= 0x30 && e <= 0x37) {
        let oct = ch;
        while (oct.length < 3 && buf[p] >= 0x30 && buf[p] <= 0x37) oct += String.fromCharCode(buf[p++]);
        out.push(parseInt(oct, 8) & 0xff);
      } else if (e === 0x0d) {
        if (buf[p] === 0x0a) p++;
      } else if (e !== 0x0a) out.push(e);
    } else if (c === 0x28) {
      depth++;
      out.push(c);
    } else if (c === 0x29) {
      if (--depth === 0) return { value: { kind: 'string', bytes: Buffer.from(out) }, end: p };
      out.push(c);
    } else out.push(c);
  }
  throw new Error('PDF: unterminated string');
}

// ---- writing ----

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function formatName(n: string): string {
  let out = '/';
  for (const ch of Buffer.from(n, 'latin1')) {
    out += ch > 0x20 && ch < 0x7f && isRegular(ch) && ch !== 0x23 ? String.fromCharCode(ch) : `#${ch.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Serialise a value; strings are written as hex (same meaning, no escaping pitfalls). */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  switch (v.kind) {
    case 'name':
      return formatName(v.name);
    case 'string':
      return `<${v.bytes.toString('hex')}>`;
    case 'ref':
      return `${v.num} ${v.gen} R`;
    case 'dict':
      return `<<${[...v.entries].map(([k, val]) => `${formatName(k)} ${serialize(val)}`).join('\n')}>>`;
  }
}

/** A PDF text string: PDFDocEncoding-safe ASCII as is, anything else as UTF-16BE with BOM. */
export function textString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return { kind: 'string', bytes: Buffer.from(text, 'latin1') };
  const utf16 = Buffer.from(text, 'utf16le');
  utf16.swap16();
  return { kind: 'string', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]) };
}
