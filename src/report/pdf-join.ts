// Joining PDFs printed in parts (Chromium/Skia files: classic cross-reference tables) into one file
// before it is signed: every part's objects are copied with new numbers, the pages go under one new
// page tree, the named destinations are merged (a link in one part may point into another), and each
// page gets a stamped footer line ("Page X of Y" is only known once all parts are printed).
import { WHITESPACE_BYTES, dict, isDict, isName, isRef, name, ref, serialize, type PdfDict, type PdfRef, type PdfValue } from './pdf-objects.js';
import { getObject, readStructure, resolve, type PdfStructure } from './pdf-structure.js';
import { rewriteValue } from './pdf-rewrite.js';
import { mergeTags, readTags, retagObject, tagNums, type PartTags, type Retag } from './pdf-join-tags.js';

/** Attributes a page inherits from its page-tree ancestors (ISO 32000-1 §7.7.3.4). */
const INHERITED = ['Resources', 'MediaBox', 'CropBox', 'Rotate'];
const STAMP_FONT = 'NcStamp';

export interface JoinOptions {
  /** The footer line of page `n` (1-based) of `total`, stamped bottom right; none when omitted. */
  footer?: (n: number, total: number) => string;
  /** The part whose destination of this name wins (others may hold a stand-in); default the first. */
  destOwner?: (name: string) => number | undefined;
}

interface Part {
  structure: PdfStructure;
  base: number;
  pages: { ref: PdfRef; dict: PdfDict }[];
  skip: Set<number>;
  /** The structure tree of a tagged part. */
  tags: PartTags | null;
}

/** Renumbered by `base`; `over` sends some of the part's objects to new numbers of their own. */
function remap(v: PdfValue, base: number, over?: Map<number, number>): PdfValue {
  if (Array.isArray(v)) return v.map((x) => remap(x, base, over));
  if (isRef(v)) return ref(over?.get(v.num) ?? v.num + base, 0);
  if (isDict(v)) return { kind: 'dict', entries: new Map([...v.entries].map(([k, x]) => [k, remap(x, base, over)])) };
  return v;
}

/** The leaves of a page tree in order, with inherited attributes copied onto each page. */
function flattenPages(s: PdfStructure, node: PdfRef, inherited: Map<string, PdfValue>, out: Part['pages'], skip: Set<number>, depth = 0): void {
  if (depth > 32) throw new Error('PDF: page tree too deep');
  const value = resolve(s, node);
  if (!isDict(value)) throw new Error(`PDF: page tree node ${node.num} is not a dictionary`);
  const own = new Map(inherited);
  for (const k of INHERITED) if (value.entries.has(k)) own.set(k, value.entries.get(k) as PdfValue);
  if (isName(value.entries.get('Type'), 'Page')) {
    const page: PdfDict = { kind: 'dict', entries: new Map(value.entries) };
    for (const [k, v] of own) if (!page.entries.has(k)) page.entries.set(k, v);
    out.push({ ref: node, dict: page });
    return;
  }
  skip.add(node.num);
  const kids = resolve(s, value.entries.get('Kids'));
  if (!Array.isArray(kids)) throw new Error(`PDF: page tree node ${node.num} has no /Kids`);
  for (const kid of kids) if (isRef(kid)) flattenPages(s, kid, own, out, skip, depth + 1);
}

function readPart(pdf: Buffer, base: number): Part {
  const structure = readStructure(pdf);
  const catalogRef = structure.trailer.entries.get('Root');
  const catalog = resolve(structure, catalogRef);
  const pagesRef = isDict(catalog) ? catalog.entries.get('Pages') : undefined;
  if (!isRef(catalogRef) || !isDict(catalog) || !isRef(pagesRef)) throw new Error('PDF part: no catalog or page tree');
  const skip = new Set<number>([catalogRef.num]);
  const dests = catalog.entries.get('Dests');
  if (isRef(dests)) skip.add(dests.num);
  const pages: Part['pages'] = [];
  flattenPages(structure, pagesRef, new Map(), pages, skip);
  const tags = readTags(structure, catalog);
  for (const num of tags?.replaced ?? []) skip.add(num);
  return { structure, base, pages, skip, tags };
}

// Helvetica widths (Adobe AFM, 1/1000 em) for the characters a footer line uses; others count as 556.
const NARROW: Record<string, number> = { ' ': 278, '-': 333, '.': 278, ':': 278, '·': 278, '/': 278, '(': 333, ')': 333, '#': 556, _: 556, I: 278, i: 222, j: 222, l: 222, f: 278, t: 278, r: 333 };
const WIDE: Record<string, number> = { C: 722, D: 722, H: 722, N: 722, R: 722, U: 722, G: 778, O: 778, Q: 778, M: 833, m: 833, W: 944, w: 722, F: 611, T: 611, Z: 611, J: 500, L: 556, c: 500, k: 500, s: 500, v: 500, x: 500, y: 500, z: 500 };
const UPPER_667 = new Set('ABEKPSVXY'.split(''));
function charWidth(ch: string): number {
  return NARROW[ch] ?? WIDE[ch] ?? (UPPER_667.has(ch) ? 667 : 556);
}

/**
 * Where the template's @page bottom-right margin box puts its text (14 mm right margin; 18 mm bottom
 * margin, 3 mm padding, 7 pt type), measured on Chromium's own output.
 */
const FOOTER = { size: 7, right: 39.43, baseline: 35.67, gray: 0.267 };

function footerStream(text: string, mediaBox: PdfValue | undefined): Buffer {
  const box = Array.isArray(mediaBox) && mediaBox.every((x) => typeof x === 'number') ? (mediaBox as number[]) : [0, 0, 595.92, 841.92];
  const bytes = Buffer.from(text.replace(/[^\x20-\x7e·]/g, '?'), 'latin1');
  const width = ([...text].reduce((w, ch) => w + charWidth(ch), 0) * FOOTER.size) / 1000;
  const x = (box[2] - FOOTER.right - width).toFixed(2);
  const y = (box[1] + FOOTER.baseline).toFixed(2);
  // The page's own content ran inside "q … Q" (a shared stream opens it): the stamp starts from a clean state.
  // Marked as an artifact (page furniture), as Chromium marks its own margin boxes in a tagged PDF.
  return Buffer.from(`Q\n/Artifact BMC\nBT\n/${STAMP_FONT} ${FOOTER.size} Tf\n${FOOTER.gray} g\n1 0 0 1 ${x} ${y} Tm\n<${bytes.toString('hex')}> Tj\nET\nEMC\n`, 'latin1');
}

export function joinPdfs(pdfs: Buffer[], options: JoinOptions = {}): Buffer {
  let base = 0;
  const parts: Part[] = [];
  for (const pdf of pdfs) {
    const part = readPart(pdf, base);
    parts.push(part);
    base += part.structure.size;
  }
  let next = base;
  const alloc = (): number => next++;
  const catalogNum = alloc();
  const pagesNum = alloc();
  const fontNum = options.footer ? alloc() : 0;
  const openNum = options.footer ? alloc() : 0;
  const total = parts.reduce((n, p) => n + p.pages.length, 0);
  const tagged = parts.length > 0 && parts.every((p) => p.tags);
  if (!tagged && parts.some((p) => p.tags)) throw new Error('PDF parts: some are tagged and some are not');
  const nums = tagged ? tagNums(parts.map((p) => p.tags!), alloc) : null;
  // Each part's parent-tree keys run on from the previous part's; its structure ids get its own prefix.
  let keyOffset = 0;
  const retags: (Retag & { over: Map<number, number> })[] = parts.map((p, i) => {
    const over = new Map<number, number>();
    if (nums && p.tags) {
      over.set(p.tags.rootNum, nums.rootNum);
      if (p.tags.docNum !== null && nums.docNum) over.set(p.tags.docNum, nums.docNum);
    }
    const t = { keyOffset, idPrefix: Buffer.from(`p${i + 1}-`, 'latin1'), over };
    keyOffset += p.tags?.nextKey ?? 0;
    return t;
  });
  const fix = (v: PdfValue, i: number): PdfValue => (tagged ? retagObject(remap(v, parts[i].base, retags[i].over), retags[i]) : remap(v, parts[i].base));

  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0].length;
  const offsets = new Map<number, number>();
  const write = (num: number, value: PdfValue, stream?: Buffer): void => {
    offsets.set(num, offset);
    const body = stream ? { kind: 'dict' as const, entries: new Map(isDict(value) ? value.entries : []).set('Length', stream.length) } : value;
    const head = Buffer.from(`${num} 0 obj\n${serialize(body)}\n${stream ? 'stream\n' : ''}`, 'latin1');
    const tail = Buffer.from(stream ? '\nendstream\nendobj\n' : 'endobj\n', 'latin1');
    for (const b of stream ? [head, stream, tail] : [head, tail]) {
      chunks.push(b);
      offset += b.length;
    }
  };

  const writeRaw = (num: number, head: string): void => {
    offsets.set(num, offset);
    const b = Buffer.from(`${num} 0 obj\n${head}\nendobj\n`, 'latin1');
    chunks.push(b);
    offset += b.length;
  };

  const dests = new Map<string, PdfValue>();
  const kids: PdfRef[] = [];
  let pageNo = 0;
  let info: PdfValue | undefined;
  for (const [index, part] of parts.entries()) {
    const { structure: s, base: b } = part;
    const pageNums = new Set(part.pages.map((p) => p.ref.num));
    const catalog = resolve(s, s.trailer.entries.get('Root')) as PdfDict;
    const partDests = resolve(s, catalog.entries.get('Dests'));
    if (isDict(partDests)) {
      for (const [k, v] of partDests.entries) {
        const owner = options.destOwner?.(k);
        if (owner === index || (owner === undefined && !dests.has(k))) dests.set(k, remap(v, b));
      }
    }
    if (info === undefined && isRef(s.trailer.entries.get('Info'))) info = remap(s.trailer.entries.get('Info') as PdfRef, b);
    const text = s.buf.toString('latin1');
    for (const [num, entry] of s.entries) {
      if (!entry || num === 0 || part.skip.has(num) || pageNums.has(num)) continue;
      if (entry.type === 1) {
        // Most objects are copied at byte level with their references renumbered; streams are parsed.
        const m = /^(\d+)\s+(\d+)\s+obj/.exec(text.slice(entry.offset, entry.offset + 40));
        if (!m) throw new Error(`PDF part: object ${num} expected at ${entry.offset}`);
        let at = entry.offset + m[0].length;
        while (at < text.length && WHITESPACE_BYTES.has(text.charCodeAt(at))) at++;
        const r = rewriteValue(text, at, { ...retags[index], base: b, idPrefix: tagged ? retags[index].idPrefix : null });
        let after = r.end;
        while (after < text.length && WHITESPACE_BYTES.has(text.charCodeAt(after))) after++;
        if (!text.startsWith('stream', after)) {
          writeRaw(num + b, r.head);
          continue;
        }
      }
      const obj = getObject(s, num);
      if (obj) write(num + b, fix(obj.value, index), obj.stream);
    }
    for (const page of part.pages) {
      const d = fix(page.dict, index) as PdfDict;
      d.entries.set('Parent', ref(pagesNum));
      if (options.footer) {
        const stampNum = alloc();
        write(stampNum, dict([]), footerStream(options.footer(++pageNo, total), d.entries.get('MediaBox')));
        const contents = d.entries.get('Contents');
        d.entries.set('Contents', [ref(openNum), ...(Array.isArray(contents) ? contents : contents ? [contents] : []), ref(stampNum)]);
        d.entries.set('Resources', withStampFont(s, page.dict.entries.get('Resources'), b, fontNum));
      }
      const num = page.ref.num + b;
      write(num, d);
      kids.push(ref(num));
    }
  }
  if (options.footer) {
    write(fontNum, dict([['Type', name('Font')], ['Subtype', name('Type1')], ['BaseFont', name('Helvetica')], ['Encoding', name('WinAnsiEncoding')]]));
    write(openNum, dict([]), Buffer.from('q\n', 'latin1'));
  }
  write(pagesNum, dict([['Type', name('Pages')], ['Count', kids.length], ['Kids', kids]]));
  const catalogEntries: [string, PdfValue][] = [['Type', name('Catalog')], ['Pages', ref(pagesNum)]];
  if (dests.size) catalogEntries.push(['Dests', { kind: 'dict', entries: dests }]);
  if (nums) {
    const merged = parts.map((p, i) => {
      const tags = p.tags!;
      const own = (v: PdfValue | null): PdfValue | null => (v === null ? null : fix(v, i));
      return {
        tags,
        doc: own(tags.doc) as PdfDict | null,
        roleMap: own(tags.roleMap) as PdfDict | null,
        classMap: own(tags.classMap) as PdfDict | null,
        top: tags.top.map((v) => fix(v, i)),
        parents: tags.parents.map(([k, v]) => [k, fix(v, i)] as [number, PdfValue]),
        ids: tags.ids.map(([k, v]) => [k, fix(v, i)] as [Buffer, PdfValue]),
        t: retags[i],
      };
    });
    for (const [num, value] of mergeTags(merged, nums, alloc)) write(num, value);
    const first = resolve(parts[0].structure, parts[0].structure.trailer.entries.get('Root')) as PdfDict;
    catalogEntries.push(['MarkInfo', dict([['Type', name('MarkInfo')], ['Marked', true]])], ['StructTreeRoot', ref(nums.rootNum)]);
    const lang = first.entries.get('Lang');
    if (lang !== undefined && !isRef(lang)) catalogEntries.push(['Lang', lang]);
  }
  catalogEntries.push(['ViewerPreferences', dict([['Type', name('ViewerPreferences')], ['DisplayDocTitle', true]])]);
  write(catalogNum, dict(catalogEntries));

  const size = next;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) {
    const at = offsets.get(n);
    xref += at === undefined ? '0000000000 65535 f \n' : `${String(at).padStart(10, '0')} 00000 n \n`;
  }
  const trailer = dict([['Size', size], ['Root', ref(catalogNum)], ...(info ? ([['Info', info]] as [string, PdfValue][]) : [])]);
  chunks.push(Buffer.from(`${xref}trailer\n${serialize(trailer)}\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** The page's resources as a direct dictionary whose /Font also names the footer's font. */
function withStampFont(s: PdfStructure, resources: PdfValue | undefined, base: number, fontNum: number): PdfDict {
  const res = resolve(s, resources);
  const copy: PdfDict = isDict(res) ? (remap(res, base) as PdfDict) : dict([]);
  const fonts = resolve(s, isDict(res) ? res.entries.get('Font') : undefined);
  const fontDict: PdfDict = isDict(fonts) ? (remap(fonts, base) as PdfDict) : dict([]);
  fontDict.entries.set(STAMP_FONT, ref(fontNum));
  copy.entries.set('Font', fontDict);
  return copy;
}
