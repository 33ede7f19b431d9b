// Reading an existing PDF's cross-reference data (classic tables, cross-reference streams, hybrid
// files, object streams) so that an incremental update can refer to and replace its objects.
import { inflateSync } from 'node:zlib';
import { isDict, isName, isRef, parseValue, readToken, skipSpace, type PdfDict, type PdfRef, type PdfValue } from './pdf-objects.js';

export type XrefEntry = { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

export interface PdfStructure {
  buf: Buffer;
  /** Offset of the newest cross-reference section (the last startxref). */
  startxref: number;
  /** Whether the newest section is a classic table or a cross-reference stream. */
  xrefKind: 'table' | 'stream';
  /** The newest trailer (for a stream: its dictionary). */
  trailer: PdfDict;
  size: number;
  entries: Map<number, XrefEntry | null>;
}

export interface IndirectObject {
  num: number;
  gen: number;
  value: PdfValue;
  /** For streams: the raw (still encoded) data. */
  stream?: Buffer;
}

export function readStructure(buf: Buffer): PdfStructure {
  const at = buf.lastIndexOf('startxref');
  if (at < 0) throw new Error('PDF: no startxref');
  const { token } = readToken(buf, skipSpace(buf, at + 9));
  const startxref = Number(token);
  if (!Number.isInteger(startxref) || startxref < 0 || startxref >= buf.length) throw new Error('PDF: bad startxref');
  const entries = new Map<number, XrefEntry | null>();
  const structure: PdfStructure = { buf, startxref, xrefKind: 'table', trailer: { kind: 'dict', entries: new Map() }, size: 0, entries };
  const seen = new Set<number>();
  let offset: number | null = startxref;
  let newest = true;
  while (offset !== null) {
    if (seen.has(offset)) throw new Error('PDF: cross-reference loop');
    seen.add(offset);
    const section = readSection(structure, offset);
    if (newest) {
      structure.trailer = section.trailer;
      structure.xrefKind = section.kind;
      newest = false;
    }
    // Older sections never override newer ones.
    for (const [num, entry] of section.entries) if (!entries.has(num)) entries.set(num, entry);
    const prev = section.trailer.entries.get('Prev');
    offset = typeof prev === 'number' ? prev : null;
  }
  const size = structure.trailer.entries.get('Size');
  structure.size = typeof size === 'number' ? size : Math.max(0, ...entries.keys()) + 1;
  return structure;
}

interface Section {
  kind: 'table' | 'stream';
  trailer: PdfDict;
  entries: Map<number, XrefEntry | null>;
}

function readSection(structure: PdfStructure, offset: number): Section {
  const { buf } = structure;
  const pos = skipSpace(buf, offset);
  if (buf.toString('latin1', pos, pos + 4) === 'xref') return readTable(structure, pos + 4);
  const obj = parseIndirectAt(structure, pos);
  if (!isDict(obj.value) || !isName(obj.value.entries.get('Type'), 'XRef') || !obj.stream) throw new Error('PDF: cross-reference section expected');
  return { kind: 'stream', trailer: obj.value, entries: decodeXrefStream(obj.value, decodeStream(obj.value, obj.stream)) };
}

function readTable(structure: PdfStructure, pos: number): Section {
  const { buf } = structure;
  const entries = new Map<number, XrefEntry | null>();
  let p = skipSpace(buf, pos);
  while (buf.toString('latin1', p, p + 7) !== 'trailer') {
    const start = readToken(buf, p);
    const count = readToken(buf, skipSpace(buf, start.end));
    if (!/^\d+$/.test(start.token) || !/^\d+$/.test(count.token)) throw new Error('PDF: bad xref subsection');
    p = skipSpace(buf, count.end);
    for (let i = 0; i < Number(count.token); i++) {
      const line = xrefLine(buf, p);
      if (!line) throw new Error('PDF: bad xref entry');
      const num = Number(start.token) + i;
      if (!entries.has(num)) entries.set(num, line.inUse ? { type: 1, offset: line.offset, gen: line.gen } : null);
      p = skipSpace(buf, p + 18);
    }
  }
  const trailer = parseValue(buf, p + 7).value;
  if (!isDict(trailer)) throw new Error('PDF: trailer dictionary expected');
  // Hybrid file: objects missing from the table are listed in the XRefStm stream.
  const stm = trailer.entries.get('XRefStm');
  if (typeof stm === 'number') {
    const hybrid = readSection(structure, stm);
    for (const [num, entry] of hybrid.entries) if (!entries.has(num)) entries.set(num, entry);
  }
  return { kind: 'table', trailer, entries };
}

/**
 * "nnnnnnnnnn ggggg n|f" read from the bytes (what /^(\d{10}) (\d{5}) ([nf])/ matched on a string
 * copy of each line: a signed report has thousands of entries and is read several times).
 */
function xrefLine(buf: Buffer, p: number): { offset: number; gen: number; inUse: boolean } | null {
  if (p + 18 > buf.length || buf[p + 10] !== 0x20 || buf[p + 16] !== 0x20) return null;
  const kind = buf[p + 17];
  if (kind !== 0x6e && kind !== 0x66) return null;
  const digits = (from: number, n: number): number => {
    let v = 0;
    for (let k = from; k < from + n; k++) {
      const d = buf[k] - 0x30;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  };
  const offset = digits(p, 10);
  const gen = digits(p + 11, 5);
  return offset < 0 || gen < 0 ? null : { offset, gen, inUse: kind === 0x6e };
}

function decodeXrefStream(d: PdfDict, data: Buffer): Map<number, XrefEntry | null> {
  const w = d.entries.get('W');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number')) throw new Error('PDF: bad /W');
  const [w0, w1, w2] = w as number[];
  const size = d.entries.get('Size');
  const index = d.entries.get('Index');
  const ranges = (Array.isArray(index) ? index : [0, size]) as number[];
  const entries = new Map<number, XrefEntry | null>();
  const rowLen = w0 + w1 + w2;
  let row = 0;
  const field = (start: number, len: number, dflt: number): number => {
    if (len === 0) return dflt;
    let n = 0;
    for (let i = 0; i < len; i++) n = n * 256 + data[start + i];
    return n;
  };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    for (let i = 0; i < ranges[r + 1]; i++, row++) {
      const base = row * rowLen;
      if (base + rowLen > data.length) throw new Error('PDF: cross-reference stream too short');
      const type = field(base, w0, 1);
      const a = field(base + w0, w1, 0);
      const b = field(base + w0 + w1, w2, 0);
      const num = ranges[r] + i;
      if (type === 1) entries.set(num, { type: 1, offset: a, gen: b });
      else if (type === 2) entries.set(num, { type: 2, stream: a, index: b });
      else entries.set(num, null);
    }
  }
  return entries;
}

/** FlateDecode (with PNG predictors) or unfiltered data; other filters are not needed here. */
export function decodeStream(d: PdfDict, raw: Buffer): Buffer {
  const filter = d.entries.get('Filter');
  const filters = (Array.isArray(filter) ? filter : filter ? [filter] : []).map((f) => (isName(f) ? f.name : ''));
  let data = raw;
  for (const f of filters) {
    if (f !== 'FlateDecode') throw new Error(`PDF: unsupported stream filter ${f}`);
    data = inflateSync(data);
  }
  const parms = d.entries.get('DecodeParms');
  const predictor = isDict(parms) ? parms.entries.get('Predictor') : undefined;
  if (typeof predictor === 'number' && predictor >= 10 && isDict(parms)) {
    const columns = parms.entries.get('Columns');
    data = unpredictPng(data, typeof columns === 'number' ? columns : 1);
  }
  return data;
}

function unpredictPng(data: Buffer, columns: number): Buffer {
  const rows = Math.floor(data.length / (columns + 1));
  const out = Buffer.alloc(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)];
    for (let c = 0; c < columns; c++) {
      const x = data[r * (columns + 1) + 1 + c];
      const left = c > 0 ? out[r * columns + c - 1] : 0;
      const up = r > 0 ? out[(r - 1) * columns + c] : 0;
      const upLeft = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1] : 0;
      let pred = 0;
      if (type === 1) pred = left;
      else if (type === 2) pred = up;
      else if (type === 3) pred = Math.floor((left + up) / 2);
      else if (type === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
        pred = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[r * columns + c] = (x + pred) & 0xff;
    }
  }
  return out;
}

/** "N G obj <value> [stream ... endstream] endobj" at an offset. */
export function parseIndirectAt(structure: PdfStructure, offset: number): IndirectObject {
  const { buf } = structure;
  const m = /^(\d+)\s+(\d+)\s+obj/.exec(buf.toString('latin1', offset, offset + 40));
  if (!m) throw new Error(`PDF: object expected at ${offset}`);
  const parsed = parseValue(buf, offset + m[0].length);
  const obj: IndirectObject = { num: Number(m[1]), gen: Number(m[2]), value: parsed.value };
  const after = skipSpace(buf, parsed.end);
  if (isDict(parsed.value) && buf.toString('latin1', after, after + 6) === 'stream') {
    let start = after + 6;
    if (buf[start] === 0x0d) start++;
    if (buf[start] === 0x0a) start++;
    const declared = parsed.value.entries.get('Length');
    let length = typeof declared === 'number' ? declared : isRef(declared) ? Number(resolve(structure, declared)) : NaN;
    if (!Number.isInteger(length) || buf.toString('latin1', start + length, start + length + 12).trim().slice(0, 9) !== 'endstream') {
      const end = buf.indexOf('endstream', start);
      if (end < 0) throw new Error('PDF: unterminated stream');
      length = end - start;
    }
    obj.stream = buf.subarray(start, start + length);
  }
  return obj;
}

/** The current version of object `num` (null when absent or free). */
export function getObject(structure: PdfStructure, num: number, depth = 0): IndirectObject | null {
  const entry = structure.entries.get(num);
  if (!entry || depth > 4) return null;
  if (entry.type === 1) return parseIndirectAt(structure, entry.offset);
  const container = getObject(structure, entry.stream, depth + 1);
  if (!container?.stream || !isDict(container.value)) return null;
  const data = decodeStream(container.value, container.stream);
  const first = container.value.entries.get('First');
  const count = container.value.entries.get('N');
  if (typeof first !== 'number' || typeof count !== 'number') return null;
  const header = data.toString('latin1', 0, first).trim().split(/\s+/).map(Number);
  for (let i = 0; i < count; i++) {
    if (header[2 * i] === num) return { num, gen: 0, value: parseValue(data, first + header[2 * i + 1]).value };
  }
  return null;
}

/** Follow a reference (one level); direct values pass through. */
export function resolve(structure: PdfStructure, v: PdfValue | undefined): PdfValue | undefined {
  if (isRef(v)) return getObject(structure, v.num)?.value;
  return v;
}

/** The reference of the first page (walks /Pages → /Kids). */
export function firstPageRef(structure: PdfStructure, pagesRef: PdfRef): PdfRef {
  let current: PdfRef = pagesRef;
  for (let depth = 0; depth < 32; depth++) {
    const node = resolve(structure, current);
    if (!isDict(node)) break;
    if (isName(node.entries.get('Type'), 'Page')) return current;
    const kids = resolve(structure, node.entries.get('Kids'));
    if (!Array.isArray(kids) || !isRef(kids[0])) break;
    current = kids[0];
  }
  throw new Error('PDF: no page found');
}
