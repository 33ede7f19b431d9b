// A check of a tagged PDF's structure tree, read with the project's own PDF reader: what a screen
// reader follows from the tree to the page content and back (ISO 32000-1 §14.7): used on a report
// printed in parts and joined (print-parts.ts, pdf-join-tags.ts).
import { inflateSync } from 'node:zlib';
import { isDict, isName, isRef, type PdfDict, type PdfValue } from '../../src/report/pdf-objects.js';
import { getObject, readStructure, resolve, type PdfStructure } from '../../src/report/pdf-structure.js';

export interface TagTreeCheck {
  problems: string[];
  elements: number;
  markedContent: number;
  pages: number;
}

const arr = (v: PdfValue | undefined): PdfValue[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const str = (v: PdfValue | undefined): string | null => (typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'string' ? v.bytes.toString('latin1') : null);

function leaves(s: PdfStructure, node: PdfValue | undefined, key: 'Nums' | 'Names'): PdfValue[] {
  const d = resolve(s, node);
  if (!isDict(d)) return [];
  return [...arr(resolve(s, d.entries.get(key))), ...arr(resolve(s, d.entries.get('Kids'))).flatMap((k) => leaves(s, k, key))];
}

function pageContent(s: PdfStructure, page: PdfDict): string {
  const contents = page.entries.get('Contents');
  return (isRef(contents) && !Array.isArray(resolve(s, contents)) ? [contents] : arr(resolve(s, contents)))
    .map((c) => {
      const o = isRef(c) ? getObject(s, c.num) : null;
      if (!o?.stream || !isDict(o.value)) return '';
      return (isName(o.value.entries.get('Filter'), 'FlateDecode') ? inflateSync(o.stream) : o.stream).toString('latin1');
    })
    .join('\n');
}

export function checkTagTree(pdf: Buffer): TagTreeCheck {
  const s = readStructure(pdf);
  const problems: string[] = [];
  const catalog = resolve(s, s.trailer.entries.get('Root')) as PdfDict;
  const markInfo = resolve(s, catalog.entries.get('MarkInfo'));
  if (!isDict(markInfo) || markInfo.entries.get('Marked') !== true) problems.push('catalog: /MarkInfo /Marked is not true');
  const rootRef = catalog.entries.get('StructTreeRoot');
  const root = resolve(s, rootRef);
  if (!isRef(rootRef) || !isDict(root)) return { problems: ['no StructTreeRoot'], elements: 0, markedContent: 0, pages: 0 };

  // Walk the tree: every element once, its /P its parent; MCIDs and object references collected.
  const claimed = new Map<string, number>(); // "page:mcid" -> element
  const objrs = new Map<number, number>(); // annotation -> element
  const ids = new Map<string, number>();
  const headers: string[] = [];
  const seen = new Set<number>();
  const walk = (ref: PdfValue, parent: number, inheritedPg: number | null): void => {
    if (!isRef(ref)) return void problems.push(`element under ${parent} is not a reference`);
    if (seen.has(ref.num)) return void problems.push(`element ${ref.num} reached twice`);
    seen.add(ref.num);
    const e = resolve(s, ref);
    if (!isDict(e)) return void problems.push(`element ${ref.num} is not a dictionary`);
    const p = e.entries.get('P');
    if (!isRef(p) || p.num !== parent) problems.push(`element ${ref.num}: /P ${isRef(p) ? p.num : '?'}, parent ${parent}`);
    const pg = e.entries.get('Pg');
    const page = isRef(pg) ? pg.num : inheritedPg;
    const id = str(e.entries.get('ID'));
    if (id !== null) {
      if (ids.has(id)) problems.push(`id ${id} on elements ${ids.get(id)} and ${ref.num}`);
      ids.set(id, ref.num);
    }
    for (const a of arr(e.entries.get('A'))) if (isDict(a)) for (const h of arr(a.entries.get('Headers'))) headers.push(str(h) ?? '?');
    for (const k of arr(e.entries.get('K'))) {
      if (typeof k === 'number') {
        if (page === null) problems.push(`element ${ref.num}: MCID ${k} without a page`);
        claimed.set(`${page}:${k}`, ref.num);
      } else if (isDict(k) && isName(k.entries.get('Type'), 'MCR')) {
        const kp = k.entries.get('Pg');
        claimed.set(`${isRef(kp) ? kp.num : page}:${k.entries.get('MCID')}`, ref.num);
      } else if (isDict(k) && isName(k.entries.get('Type'), 'OBJR')) {
        const o = k.entries.get('Obj');
        if (isRef(o)) objrs.set(o.num, ref.num);
      } else walk(k, ref.num, page);
    }
  };
  for (const k of arr(root.entries.get('K'))) walk(k, rootRef.num, null);

  // The ParentTree: from each page's marked content back to the element that claims it.
  const nums = leaves(s, root.entries.get('ParentTree'), 'Nums');
  const parents = new Map<number, PdfValue>();
  for (let i = 0; i + 1 < nums.length; i += 2) {
    if (parents.has(nums[i] as number)) problems.push(`ParentTree key ${nums[i]} twice`);
    parents.set(nums[i] as number, nums[i + 1]);
  }
  const nextKey = root.entries.get('ParentTreeNextKey');
  if (typeof nextKey !== 'number' || [...parents.keys()].some((k) => k >= nextKey)) problems.push('ParentTreeNextKey is not above every key');
  let markedContent = 0;
  const pages: number[] = [];
  const collect = (node: PdfValue | undefined): void => {
    const d = resolve(s, node);
    if (!isDict(d) || !isRef(node)) return;
    if (isName(d.entries.get('Type'), 'Page')) pages.push(node.num);
    else for (const k of arr(resolve(s, d.entries.get('Kids')))) collect(k);
  };
  collect(catalog.entries.get('Pages'));
  const usedKeys = new Set<number>();
  for (const pageNum of pages) {
    const page = resolve(s, { kind: 'ref', num: pageNum, gen: 0 }) as PdfDict;
    const mcids = [...pageContent(s, page).matchAll(/\/MCID\s+(\d+)/g)].map((m) => Number(m[1]));
    const key = page.entries.get('StructParents');
    if (mcids.length && typeof key !== 'number') problems.push(`page ${pageNum}: marked content but no /StructParents`);
    if (typeof key === 'number') {
      if (usedKeys.has(key)) problems.push(`page ${pageNum}: /StructParents ${key} used twice`);
      usedKeys.add(key);
    }
    const list = arr(resolve(s, parents.get(key as number)));
    for (const m of mcids) {
      markedContent++;
      const e = list[m];
      const owner = claimed.get(`${pageNum}:${m}`);
      if (!isRef(e) || owner !== e.num) problems.push(`page ${pageNum} MCID ${m}: ParentTree gives ${isRef(e) ? e.num : 'nothing'}, the tree ${owner ?? 'nothing'}`);
    }
    for (const a of arr(resolve(s, page.entries.get('Annots')))) {
      const annot = resolve(s, a);
      const sp = isDict(annot) ? annot.entries.get('StructParent') : undefined;
      if (typeof sp !== 'number' || !isRef(a)) continue;
      if (usedKeys.has(sp)) problems.push(`annotation ${a.num}: /StructParent ${sp} used twice`);
      usedKeys.add(sp);
      const e = parents.get(sp);
      if (!isRef(e) || objrs.get(a.num) !== e.num) problems.push(`annotation ${a.num}: ParentTree gives ${isRef(e) ? e.num : 'nothing'}, the tree ${objrs.get(a.num) ?? 'nothing'}`);
    }
  }
  const idTree = leaves(s, root.entries.get('IDTree'), 'Names');
  const named = new Set<string>();
  for (let i = 0; i + 1 < idTree.length; i += 2) {
    const k = str(idTree[i]);
    const v = idTree[i + 1];
    if (k === null || !isRef(v) || ids.get(k) !== v.num) problems.push(`IDTree ${k}: not the element carrying that id`);
    if (i > 0 && (str(idTree[i - 2]) ?? '') >= (k ?? '')) problems.push(`IDTree not sorted at ${k}`);
    named.add(k ?? '');
  }
  for (const h of headers) if (!named.has(h)) problems.push(`/Headers names ${h}, which no element carries`);
  return { problems, elements: seen.size, markedContent, pages: pages.length };
}
