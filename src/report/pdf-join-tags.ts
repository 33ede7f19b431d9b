// The structure tree of a tagged (accessible) PDF printed in parts, merged by the joiner (pdf-join.ts):
// one StructTreeRoot over one Document element holding every part's top elements in order, one
// ParentTree whose keys run on from part to part (pages' /StructParents and annotations' /StructParent
// move with them), and one IDTree whose ids get a per-part prefix (Chromium numbers them per print, so
// two parts reuse the same ids; table cells name their header cells by id in /Headers). MCIDs are per
// page and pages are copied whole, so marked content needs no change (ISO 32000-1 §14.7).
import { dict, isDict, isName, isRef, name, ref, type PdfDict, type PdfString, type PdfValue } from './pdf-objects.js';
import { resolve, type PdfStructure } from './pdf-structure.js';

export interface PartTags {
  rootNum: number;
  /** The part's single Document element, merged into the joined one (null: the root holds other elements). */
  docNum: number | null;
  doc: PdfDict | null;
  /** The root's (or its Document's) children, in order, in the part's own numbering. */
  top: PdfValue[];
  nextKey: number;
  parents: [number, PdfValue][];
  ids: [Buffer, PdfValue][];
  roleMap: PdfDict | null;
  classMap: PdfDict | null;
  /** Objects the merged tree replaces: root, Document, ParentTree and IDTree nodes. */
  replaced: Set<number>;
}

const asArray = (v: PdfValue | undefined): PdfValue[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Leaves of a number tree (/Nums) or name tree (/Names), in order; `replaced` collects the nodes read. */
function treeLeaves(s: PdfStructure, node: PdfValue | undefined, key: 'Nums' | 'Names', replaced: Set<number>, depth = 0): PdfValue[] {
  if (depth > 32) throw new Error('PDF part: structure tree index too deep');
  if (isRef(node)) replaced.add(node.num);
  const value = resolve(s, node);
  if (!isDict(value)) return [];
  const own = resolve(s, value.entries.get(key));
  const out: PdfValue[] = Array.isArray(own) ? [...own] : [];
  for (const kid of asArray(resolve(s, value.entries.get('Kids')))) out.push(...treeLeaves(s, kid, key, replaced, depth + 1));
  return out;
}

/** The part's structure tree, or null when the part is not tagged. */
export function readTags(s: PdfStructure, catalog: PdfDict): PartTags | null {
  const rootRef = catalog.entries.get('StructTreeRoot');
  const root = resolve(s, rootRef);
  if (!isRef(rootRef) || !isDict(root)) return null;
  const replaced = new Set<number>([rootRef.num]);
  // /K: one element (a reference to a dictionary) or an array of them.
  const k = root.entries.get('K');
  const kids = isRef(k) && isDict(resolve(s, k)) ? [k] : asArray(resolve(s, k));
  const only = kids.length === 1 && isRef(kids[0]) ? kids[0] : null;
  const single = only ? resolve(s, only) : undefined;
  let docNum: number | null = null;
  let doc: PdfDict | null = null;
  let top = kids;
  if (only && isDict(single) && isName(single.entries.get('S'), 'Document')) {
    docNum = only.num;
    doc = single;
    replaced.add(only.num);
    top = asArray(resolve(s, single.entries.get('K'))).map((k) => {
      if (isRef(k) || isDict(k)) return k;
      // Content marked directly under the Document: an MCID of the Document's page.
      const pg = single.entries.get('Pg');
      if (typeof k !== 'number' || !isRef(pg)) throw new Error('PDF part: Document element holds content without a page');
      return dict([['Type', name('MCR')], ['Pg', pg], ['MCID', k]]);
    });
  }
  const flat = treeLeaves(s, root.entries.get('ParentTree'), 'Nums', replaced);
  const parents: [number, PdfValue][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (typeof flat[i] === 'number') parents.push([flat[i] as number, flat[i + 1]]);
  const names = treeLeaves(s, root.entries.get('IDTree'), 'Names', replaced);
  const ids: [Buffer, PdfValue][] = [];
  for (let i = 0; i + 1 < names.length; i += 2) {
    const k = names[i];
    if (typeof k === 'object' && k !== null && !Array.isArray(k) && k.kind === 'string') ids.push([k.bytes, names[i + 1]]);
  }
  const declared = root.entries.get('ParentTreeNextKey');
  const nextKey = Math.max(typeof declared === 'number' ? declared : 0, ...parents.map(([k]) => k + 1));
  const roleMap = resolve(s, root.entries.get('RoleMap'));
  const classMap = resolve(s, root.entries.get('ClassMap'));
  return { rootNum: rootRef.num, docNum, doc, top, nextKey, parents, ids, roleMap: isDict(roleMap) ? roleMap : null, classMap: isDict(classMap) ? classMap : null, replaced };
}

/** How one part's copied objects change in the joined file. */
export interface Retag {
  keyOffset: number;
  idPrefix: Buffer;
}

const renamed = (v: PdfValue | undefined, prefix: Buffer): PdfValue | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'string' ? ({ kind: 'string', bytes: Buffer.concat([prefix, v.bytes]) } satisfies PdfString) : v;

/** Attribute objects (/A: a dictionary, or an array of them with revision numbers) with their /Headers ids renamed. */
function retagAttributes(a: PdfValue, prefix: Buffer): PdfValue {
  if (Array.isArray(a)) return a.map((x) => retagAttributes(x, prefix));
  if (!isDict(a)) return a;
  const headers = a.entries.get('Headers');
  if (!Array.isArray(headers)) return a;
  const out: PdfDict = { kind: 'dict', entries: new Map(a.entries) };
  out.entries.set('Headers', headers.map((h) => renamed(h, prefix) as PdfValue));
  return out;
}

/** A copied (already renumbered) object: structure ids renamed, parent-tree keys moved on. In place. */
export function retagObject(v: PdfValue, t: Retag): PdfValue {
  if (!isDict(v)) return v;
  const e = v.entries;
  for (const key of ['StructParents', 'StructParent']) {
    const k = e.get(key);
    if (typeof k === 'number') e.set(key, k + t.keyOffset);
  }
  const untyped = !e.has('Type') && !e.has('Subtype') && isName(e.get('S')) && isRef(e.get('P'));
  if (isName(e.get('Type'), 'StructElem') || untyped) {
    if (e.has('ID')) e.set('ID', renamed(e.get('ID'), t.idPrefix) as PdfValue);
    const a = e.get('A');
    if (a !== undefined) e.set('A', retagAttributes(a, t.idPrefix));
  }
  const annots = e.get('Annots');
  if (Array.isArray(annots)) for (const x of annots) retagObject(x, t);
  return v;
}

/** Numbers of the joined tree's own objects, allocated before the parts are copied (their references point here). */
export interface TagNums {
  rootNum: number;
  parentNum: number;
  /** The joined Document element; 0 when the parts' roots do not each hold one Document. */
  docNum: number;
}

export function tagNums(parts: PartTags[], alloc: () => number): TagNums {
  return { rootNum: alloc(), parentNum: alloc(), docNum: parts.every((p) => p.doc !== null) ? alloc() : 0 };
}

/**
 * The joined tree's objects. `top`, `parents`, `ids` and `doc` of each part are already renumbered, with
 * references to the part's root or Document pointed at the joined ones.
 */
export function mergeTags(parts: { tags: PartTags; doc: PdfDict | null; roleMap: PdfDict | null; classMap: PdfDict | null; top: PdfValue[]; parents: [number, PdfValue][]; ids: [Buffer, PdfValue][]; t: Retag }[], nums: TagNums, alloc: () => number): [number, PdfValue][] {
  const { rootNum, parentNum, docNum } = nums;
  const objects: [number, PdfValue][] = [];
  const top = parts.flatMap((p) => p.top);
  const keys: PdfValue[] = [];
  for (const p of parts) for (const [k, v] of p.parents) keys.push(k + p.t.keyOffset, v);
  const last = parts[parts.length - 1];
  const rootEntries: [string, PdfValue][] = [
    ['Type', name('StructTreeRoot')],
    ['K', docNum ? ref(docNum) : top],
    ['ParentTree', ref(parentNum)],
    ['ParentTreeNextKey', last ? last.t.keyOffset + last.tags.nextKey : 0],
  ];
  const ids = parts.flatMap((p) => p.ids.map(([k, v]) => [Buffer.concat([p.t.idPrefix, k]), v] as [Buffer, PdfValue]));
  if (ids.length) {
    ids.sort((a, b) => Buffer.compare(a[0], b[0]));
    const idNum = alloc();
    const leafNum = alloc();
    const str = (bytes: Buffer): PdfString => ({ kind: 'string', bytes });
    objects.push([idNum, dict([['Kids', [ref(leafNum)]]])]);
    objects.push([leafNum, dict([['Limits', [str(ids[0][0]), str(ids[ids.length - 1][0])]], ['Names', ids.flatMap(([k, v]) => [str(k), v])]])]);
    rootEntries.push(['IDTree', ref(idNum)]);
  }
  for (const key of ['RoleMap', 'ClassMap'] as const) {
    const merged = new Map<string, PdfValue>();
    for (const p of parts) for (const [k, v] of (key === 'RoleMap' ? p.roleMap : p.classMap)?.entries ?? []) if (!merged.has(k)) merged.set(k, v);
    if (merged.size) rootEntries.push([key, { kind: 'dict', entries: merged }]);
  }
  objects.push([rootNum, dict(rootEntries)]);
  objects.push([parentNum, dict([['Nums', keys]])]);
  if (docNum && parts[0].doc) {
    const entries = new Map(parts[0].doc.entries);
    entries.delete('Pg');
    entries.set('P', ref(rootNum));
    entries.set('K', top);
    objects.push([docNum, { kind: 'dict', entries }]);
  }
  return objects;
}
