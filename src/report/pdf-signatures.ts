// Every signature a PDF holds (signature dictionaries in the bytes, and signature fields of the
// newest AcroForm, which may sit in compressed object streams), and a description of what an
// incremental update appended after a signature adds: objects, the pages it touches, signatures.
import { isDict, isName, isRef, type PdfDict, type PdfValue } from './pdf-objects.js';
import { decodeStream, parseIndirectAt, readStructure, resolve, type PdfStructure } from './pdf-structure.js';

export interface FoundSignature {
  byteRange: number[];
  /** Offset of "/ByteRange" in the file, or null when only the form names it (object stream). */
  at: number | null;
}

export interface AppendedUpdate {
  bytes: number;
  /** "12 0 (Page 1)", "40 0 (XObject/Form)" … for each object the appended bytes define. */
  objects: string[];
  /** 1-based numbers of the pages whose object or content the update replaces. */
  pages: number[];
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
const MAX_FIELDS = 1000;

/** Signatures in file order of their dictionaries; also offsets of /ByteRange entries that do not parse. */
export function findSignatures(pdf: Buffer): { signatures: FoundSignature[]; malformed: number[] } {
  const text = pdf.toString('latin1');
  const signatures: FoundSignature[] = [];
  const parsedAt = new Set<number>();
  for (const m of text.matchAll(BYTE_RANGE)) {
    signatures.push({ byteRange: m.slice(1, 5).map(Number), at: m.index });
    parsedAt.add(m.index);
  }
  const malformed: number[] = [];
  for (let i = text.indexOf('/ByteRange'); i >= 0; i = text.indexOf('/ByteRange', i + 1)) if (!parsedAt.has(i)) malformed.push(i);
  for (const br of formSignatures(pdf)) {
    if (!signatures.some((s) => s.byteRange.join() === br.join())) signatures.push({ byteRange: br, at: null });
  }
  // File order of the dictionaries is revision order (a forged range cannot move a dictionary).
  signatures.sort((a, b) => (a.at ?? a.byteRange[1]) - (b.at ?? b.byteRange[1]));
  return { signatures, malformed };
}

/** ByteRange arrays of the signature fields of the newest AcroForm (never throws). */
function formSignatures(pdf: Buffer): number[][] {
  const out: number[][] = [];
  try {
    const s = readStructure(pdf);
    const catalog = resolve(s, s.trailer.entries.get('Root'));
    const form = isDict(catalog) ? resolve(s, catalog.entries.get('AcroForm')) : undefined;
    const queue: PdfValue[] = isDict(form) ? [...asArray(s, form.entries.get('Fields'))] : [];
    for (let seen = 0; queue.length > 0 && seen < MAX_FIELDS; seen++) {
      const field = resolve(s, queue.shift());
      if (!isDict(field)) continue;
      queue.push(...asArray(s, field.entries.get('Kids')));
      const value = resolve(s, field.entries.get('V'));
      const br = isDict(value) ? resolve(s, value.entries.get('ByteRange')) : undefined;
      if (Array.isArray(br) && br.length === 4 && br.every((n) => typeof n === 'number')) out.push(br as number[]);
    }
  } catch {
    // A PDF whose structure cannot be read still has its byte-level signatures checked.
  }
  return out;
}

function asArray(s: PdfStructure, v: PdfValue | undefined): PdfValue[] {
  const r = resolve(s, v);
  return Array.isArray(r) ? r : [];
}

/** What the bytes from `from` to the end of the file define, in the newest structure's terms. */
export function describeAppended(pdf: Buffer, from: number): AppendedUpdate {
  const result: AppendedUpdate = { bytes: pdf.length - from, objects: [], pages: [] };
  let s: PdfStructure;
  try {
    s = readStructure(pdf);
  } catch {
    return result;
  }
  const pages = pageList(s);
  const touched = new Set<number>();
  const tail = pdf.toString('latin1', from);
  for (const m of tail.matchAll(/(?:^|[\s>])(\d+)\s+(\d+)\s+obj\b/g)) {
    const at = from + m.index + m[0].indexOf(m[1]);
    try {
      const obj = parseIndirectAt(s, at);
      touched.add(obj.num);
      result.objects.push(`${obj.num} ${obj.gen} (${kindOf(obj.value, pages, obj.num)})`);
      // Objects packed in an appended object stream are appended too.
      if (isDict(obj.value) && isName(obj.value.entries.get('Type'), 'ObjStm') && obj.stream) {
        const first = obj.value.entries.get('First');
        const header = decodeStream(obj.value, obj.stream).toString('latin1', 0, typeof first === 'number' ? first : 0).trim().split(/\s+/).map(Number);
        for (let i = 0; i + 1 < header.length; i += 2) {
          touched.add(header[i]);
          result.objects.push(`${header[i]} 0 (in object stream ${obj.num})`);
        }
      }
    } catch {
      result.objects.push(`unreadable object at offset ${at}`);
    }
  }
  pages.forEach((p, i) => {
    const contents = resolve(s, p.dict.entries.get('Contents'));
    const refs = (Array.isArray(contents) ? contents : [p.dict.entries.get('Contents')]).filter(isRef).map((r) => r.num);
    if (touched.has(p.num) || refs.some((n) => touched.has(n))) result.pages.push(i + 1);
  });
  return result;
}

function kindOf(v: PdfValue, pages: { num: number }[], num: number): string {
  if (!isDict(v)) return Array.isArray(v) ? 'array' : 'value';
  const type = v.entries.get('Type');
  const subtype = v.entries.get('Subtype');
  const name = [type, subtype].filter((x) => isName(x)).map((x) => (x as { name: string }).name).join('/');
  const page = pages.findIndex((p) => p.num === num);
  if (page >= 0) return `Page ${page + 1}`;
  if (v.entries.has('ByteRange')) return 'signature';
  return name || (v.entries.has('Length') ? 'stream' : 'dictionary');
}

/** The pages of the newest structure in order (bounded walk of /Pages → /Kids). */
function pageList(s: PdfStructure): { num: number; dict: PdfDict }[] {
  const out: { num: number; dict: PdfDict }[] = [];
  try {
    const catalog = resolve(s, s.trailer.entries.get('Root'));
    const root = isDict(catalog) ? catalog.entries.get('Pages') : undefined;
    const walk = (v: PdfValue | undefined, depth: number): void => {
      if (!isRef(v) || depth > 32 || out.length > 10_000) return;
      const node = resolve(s, v);
      if (!isDict(node)) return;
      if (isName(node.entries.get('Type'), 'Page')) out.push({ num: v.num, dict: node });
      else for (const kid of asArray(s, node.entries.get('Kids'))) walk(kid, depth + 1);
    };
    walk(root, 0);
  } catch {
    // Pages that cannot be listed are reported as objects only.
  }
  return out;
}
