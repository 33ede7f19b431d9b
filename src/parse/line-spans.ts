// Line iteration by offsets into the whole decoded text (no array of line strings): the same lines
// as splitLines() (\n with any \r run before it, or a lone \r, ends a line; a final terminator adds
// no empty line), but parsers scan the flat text with charCodeAt, which is about twice as fast as
// scanning one sliced string per line, and only slice the few fields they keep.

/**
 * Calls fn(start, end, lineNo) for every line; returns the number of lines. A plain charCodeAt scan:
 * on Node 20, `indexOf('\n', pos)` (and `indexOf('\r')`) loops over a 10 MB string were seen to turn
 * pathologically slow (seconds to tens of seconds) once V8 optimised them.
 */
export function forEachLineSpan(text: string, fn: (start: number, end: number, lineNo: number) => void): number {
  return forEachLineStart(text, (start, lineNo) => {
    const end = lineEndAt(text, start);
    fn(start, end, lineNo);
    return end;
  });
}

/**
 * Where the line after the terminator at `end` starts. \n ends a line together with any \r run just
 * before it (\r\n, and \r\r\n from CRLF converted twice: one line, as `grep -n` and `sed -n` count
 * it); a \r not followed by that is a line end of its own (old Mac files).
 */
export function nextLineStart(text: string, end: number): number {
  if (text.charCodeAt(end) === 10) return end + 1;
  let j = end;
  while (text.charCodeAt(j) === 13) j++;
  return text.charCodeAt(j) === 10 ? j + 1 : end + 1;
}

/**
 * The same lines as forEachLineSpan, for parsers that find a line's end themselves while reading it
 * (one pass over the characters instead of two): fn(start, lineNo) returns the index where the line
 * ends, i.e. of its terminator or text.length; lineEndAt() finds it for lines read no further.
 */
export function forEachLineStart(text: string, fn: (start: number, lineNo: number) => number): number {
  const n = text.length;
  let lineNo = 0;
  let start = 0;
  while (start < n) {
    const end = fn(start, ++lineNo);
    if (end >= n) break;
    start = text.charCodeAt(end) === 10 ? end + 1 : nextLineStart(text, end);
  }
  return lineNo;
}

/** Index of the first \n or \r at or after from, or text.length. */
export function lineEndAt(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 13 && (c === 10 || c === 13)) break;
    i++;
  }
  return i;
}

/** Index of the first non-blank (space/tab) character in [from, to), or -1 when the span is blank. */
export function firstNonBlankAt(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
  }
  return -1;
}

/** Decimal digits text[from, to) as a number, or null (empty, non-digit, more than 15 digits). */
export function intAt(text: string, from: number, to: number): number | null {
  if (to <= from || to - from > 15) return null;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** text[start, end) equals s (no slice). */
export function spanEquals(text: string, start: number, end: number, s: string): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}

/**
 * The string text[start, end), shared with the last rows that printed the same one: a busy server's
 * local addresses are a handful repeated on every row. Comparing characters in place costs less than
 * slicing and hashing a new string, and the rows share one copy.
 */
export function makeRecentSpans(size = 8, copy: Copier = sliceSpan): (text: string, start: number, end: number) => string {
  const recent: string[] = [];
  let next = 0;
  return (text: string, start: number, end: number): string => {
    for (let k = 0; k < recent.length; k++) if (spanEquals(text, start, end, recent[k])) return recent[k];
    const s = copy(text, start, end);
    if (recent.length < size) recent.push(s);
    else recent[next] = s;
    next = (next + 1) % size;
    return s;
  };
}

/** text[start, end) as a string kept in a record. */
export type Copier = (text: string, start: number, end: number) => string;

const sliceSpan: Copier = (text, start, end) => text.slice(start, end);

/**
 * V8 gives a slice of 13 or more characters as a view into the whole text: one kept address kept the
 * 10 MB decoded listing alive to the end of analyze (and of run and report). With the raw bytes at
 * the same offsets (ParserInput.bytes), such values are copied from them instead.
 */
export function copySpan(bytes: Buffer | undefined): Copier {
  if (!bytes) return sliceSpan;
  return (text, start, end) => (end - start < 13 ? text.slice(start, end) : bytes.toString('latin1', start, end));
}
