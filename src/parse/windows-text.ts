// Text helpers shared by the Windows parsers: whitespace field splitting without regexes (large
// `netstat -anob` files must parse fast) and a keyword fold for localised, mis-decoded console output.
import { isDigits } from './text.js';
import { forEachLineSpan } from './line-spans.js';

/** Split a line on runs of spaces/tabs; leading and trailing blanks produce no fields. */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    fields.push(line.slice(start, i));
  }
  return fields;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** Index of the first non-blank character of line[from, to) (whole line by default), or -1. */
export function firstNonBlank(line: string, from = 0, to = line.length): number {
  for (let i = from; i < to; i++) if (!isBlank(line.charCodeAt(i))) return i;
  return -1;
}

/** Index after the last non-blank character of line[from, to), or from for a blank range. */
export function endOfNonBlank(line: string, from: number, to: number): number {
  let i = to;
  while (i > from && isBlank(line.charCodeAt(i - 1))) i--;
  return i;
}


// Windows consoles write the OEM code page (cp850/cp437). When such bytes are not valid UTF-8,
// decodeBytes falls back to latin1, so "Ö" (cp850 0x99) arrives as U+0099. Some decoders map the
// same bytes through windows-1252 instead (0x99 → "™"). Both forms are folded back to letters.
const CP850_AS_LATIN1: Record<number, string> = {
  0x80: 'C', 0x81: 'U', 0x82: 'E', 0x83: 'A', 0x84: 'A', 0x85: 'A', 0x86: 'A', 0x87: 'C',
  0x88: 'E', 0x89: 'E', 0x8a: 'E', 0x8b: 'I', 0x8c: 'I', 0x8d: 'I', 0x8e: 'A', 0x8f: 'A',
  0x90: 'E', 0x93: 'O', 0x94: 'O', 0x95: 'O', 0x96: 'U', 0x97: 'U', 0x98: 'Y', 0x99: 'O',
  0x9a: 'U', 0xa0: 'A', 0xa1: 'I', 0xa2: 'O', 0xa3: 'U', 0xa4: 'N', 0xa5: 'N',
  // The same bytes read as windows-1252.
  0x201a: 'E', 0x201e: 'A', 0x2026: 'A', 0x2020: 'A', 0x2021: 'C', 0x2c6: 'E', 0x2030: 'E',
  0x160: 'E', 0x2039: 'I', 0x152: 'I', 0x17d: 'A', 0x201c: 'O', 0x201d: 'O', 0x2022: 'O',
  0x2013: 'U', 0x2014: 'U', 0x2dc: 'Y', 0x2122: 'O', 0x161: 'U',
};

/**
 * Fold text for keyword comparison only (never for stored values): cp850 bytes read as latin1 or
 * windows-1252 and accented letters become plain ASCII letters, then upper case.
 * "ABHÖREN", "ABH\u0099REN" and "abhören" all fold to "ABHOREN".
 */
export function foldKeyword(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text.toUpperCase();
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const mapped = CP850_AS_LATIN1[code];
    if (mapped !== undefined) out += mapped;
    else if (code === 0xdf) out += 'SS';
    else out += ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }
  return out.toUpperCase();
}

/**
 * Call fn for every line as a range src[start, end) with its 1-based number, splitting exactly like
 * splitLines (\n with any \r run before it, or a lone \r; no extra empty line after a final terminator) but without
 * building a line array or line strings for a 10 MB capture. Returns the number of lines.
 */
export function forEachLineRange(text: string, fn: (src: string, start: number, end: number, lineNo: number) => void): number {
  return forEachLineSpan(text, (start, end, lineNo) => fn(text, start, end, lineNo));
}

export { isDigits };
