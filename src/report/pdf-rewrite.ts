// Copying one object of a part into the joined PDF at byte level (pdf-join.ts): a tagged report has
// thousands of structure elements, and parsing each into maps and writing it again cost the joiner
// ~0.5 s of CPU on a 50-page report. The bytes are copied as they are except for what the join must
// change: references renumbered, parent-tree keys (/StructParent, /StructParents) moved on, and the
// structure ids (a StructElem's /ID, a table cell's /Headers) given the part's prefix. Strings and
// comments are skipped whole, so text that looks like "1 0 R" inside a string is never touched.
import { DELIMITER_BYTES, WHITESPACE_BYTES } from './pdf-objects.js';

export interface Rewrite {
  base: number;
  /** References to these numbers go to new numbers of their own (the merged tree's root and Document). */
  over?: Map<number, number>;
  keyOffset: number;
  /** null: structure ids unchanged (an untagged join). */
  idPrefix: Buffer | null;
}

export interface Rewritten {
  /** The rewritten value, latin1 (one char per byte). */
  head: string;
  /** Where the object's value ends in `src`. */
  end: number;
}

interface Frame {
  dict: boolean;
  /** Dictionary: the next complete value is a key. */
  expectKey: boolean;
  key: string | null;
  structElem: boolean;
  typed: boolean;
  hasS: boolean;
  hasP: boolean;
  /** Output pieces holding this dictionary's /ID string, renamed once the dictionary is known to be a StructElem. */
  ids: number[];
}

// 1: whitespace, 2: delimiter, 0: regular (chars above 0xff never occur in a latin1 view of bytes).
const CLASS = new Uint8Array(256);
for (const b of WHITESPACE_BYTES) CLASS[b] = 1;
for (const b of DELIMITER_BYTES) CLASS[b] = 2;
const isWs = (b: number): boolean => CLASS[b] === 1;
const isRegular = (b: number): boolean => b === b && CLASS[b] === 0;

function nameText(raw: string): string {
  return raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw;
}

/** The string piece with the prefix put in front of its content (literal or hex form). */
function prefixed(piece: string, prefix: Buffer): string {
  if (piece.charCodeAt(0) === 0x28) return `(${prefix.toString('latin1')}${piece.slice(1)}`;
  return `<${prefix.toString('hex')}${piece.slice(1)}`;
}

/**
 * One value starting at `pos` of `src` (an object's body; the part's bytes as a latin1 string, one
 * char per byte), rewritten. Throws on syntax it does not know.
 */
export function rewriteValue(src: string, pos: number, rw: Rewrite): Rewritten {
  const out: string[] = [];
  const stack: Frame[] = [];
  let copyFrom = pos;
  const flush = (to: number): void => {
    if (to > copyFrom) out.push(src.slice(copyFrom, to));
  };
  let done = false;
  // A complete value was read in the innermost frame: a dictionary alternates key and value.
  const completed = (keyName: string | null): void => {
    const f = stack[stack.length - 1];
    if (!f) {
      done = true;
      return;
    }
    if (!f.dict) return;
    if (f.expectKey) f.key = keyName;
    f.expectKey = !f.expectKey;
  };
  const valueKey = (): string | null => {
    const f = stack[stack.length - 1];
    return f && f.dict && !f.expectKey ? f.key : null;
  };
  const inHeaders = (): boolean => {
    const f = stack[stack.length - 1];
    const parent = stack[stack.length - 2];
    return !!f && !f.dict && !!parent && parent.dict && !parent.expectKey && parent.key === 'Headers';
  };
  let i = pos;
  while (!done) {
    if (i >= src.length) throw new Error('PDF part: object ends early');
    const c = src.charCodeAt(i);
    if (isWs(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < src.length && src.charCodeAt(i) !== 0x0a && src.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < src.length && isRegular(src.charCodeAt(j))) j++;
      const n = nameText(src.slice(i + 1, j));
      const f = stack[stack.length - 1];
      if (f?.dict && !f.expectKey) {
        if (f.key === 'Type' && n === 'StructElem') f.structElem = true;
      }
      if (f?.dict && f.expectKey) {
        if (n === 'Type') f.typed = true;
        if (n === 'Subtype') f.typed = true;
        if (n === 'S') f.hasS = true;
        if (n === 'P') f.hasP = true;
      }
      i = j;
      completed(f?.dict && f.expectKey ? n : null);
    } else if (c === 0x28 || (c === 0x3c && src.charCodeAt(i + 1) !== 0x3c)) {
      const start = i;
      if (c === 0x28) {
        let depth = 0;
        for (; i < src.length; i++) {
          const b = src.charCodeAt(i);
          if (b === 0x5c) i++;
          else if (b === 0x28) depth++;
          else if (b === 0x29 && --depth === 0) break;
        }
        i++;
      } else {
        i = src.indexOf('>', i) + 1;
        if (i === 0) throw new Error('PDF part: unterminated hex string');
      }
      if (i > src.length) throw new Error('PDF part: unterminated string');
      const key = valueKey();
      const f = stack[stack.length - 1];
      if (rw.idPrefix && (key === 'ID' || inHeaders())) {
        flush(start);
        out.push(src.slice(start, i));
        if (key === 'ID') f!.ids.push(out.length - 1);
        else out[out.length - 1] = prefixed(out[out.length - 1], rw.idPrefix);
        copyFrom = i;
      }
      completed(null);
    } else if (c === 0x3c || c === 0x5b) {
      const dict = c === 0x3c;
      stack.push({ dict, expectKey: true, key: null, structElem: false, typed: false, hasS: false, hasP: false, ids: [] });
      i += dict ? 2 : 1;
    } else if (c === 0x3e || c === 0x5d) {
      const f = stack.pop();
      if (!f || f.dict !== (c === 0x3e)) throw new Error('PDF part: unbalanced object');
      if (f.dict && rw.idPrefix && (f.structElem || (!f.typed && f.hasS && f.hasP))) for (const at of f.ids) out[at] = prefixed(out[at], rw.idPrefix);
      i += f.dict ? 2 : 1;
      completed(null);
    } else if (isRegular(c)) {
      let j = i;
      while (j < src.length && isRegular(src.charCodeAt(j))) j++;
      const token = src.slice(i, j);
      if (/^\d+$/.test(token)) {
        // "num gen R" is one value: a reference.
        let k = j;
        while (k < src.length && isWs(src.charCodeAt(k))) k++;
        let g = k;
        while (g < src.length && src.charCodeAt(g) >= 0x30 && src.charCodeAt(g) <= 0x39) g++;
        let r = g;
        while (r < src.length && isWs(src.charCodeAt(r))) r++;
        if (g > k && r > g && src.charCodeAt(r) === 0x52 && (r + 1 >= src.length || !isRegular(src.charCodeAt(r + 1)))) {
          const num = Number(token);
          flush(i);
          out.push(`${rw.over?.get(num) ?? num + rw.base} 0 R`);
          i = r + 1;
          copyFrom = i;
          completed(null);
          continue;
        }
        const key = valueKey();
        if ((key === 'StructParents' || key === 'StructParent') && rw.keyOffset) {
          flush(i);
          out.push(String(Number(token) + rw.keyOffset));
          copyFrom = j;
        }
      }
      i = j;
      completed(null);
    } else {
      throw new Error(`PDF part: unexpected byte ${c} in an object`);
    }
  }
  flush(i);
  return { head: out.join(''), end: i };
}
