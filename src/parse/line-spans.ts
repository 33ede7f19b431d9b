// Line iteration by offsets into the whole decoded text (no array of line strings): the same
// lines as splitLines() — \r\n, \n or a lone \r end a line, a final terminator adds no empty
// line — but parsers scan the flat text with charCodeAt, which is about twice as fast as
// scanning one sliced string per line, and only slice the few fields they keep.

const CR = /\r/;

/** Calls fn(start, end, lineNo) for every line; returns the number of lines. */
export function forEachLineSpan(text: string, fn: (start: number, end: number, lineNo: number) => void): number {
  // Searching for '\r' with indexOf in this loop made V8 (Node 20) optimise the loop into one that
  // rescans the whole text per line (seconds for 3 MB); a regex test outside keeps it linear.
  if (CR.test(text)) return forEachLineSpanCr(text, fn);
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    fn(pos, nl, ++lineNo);
    pos = nl + 1;
  }
  return lineNo;
}

/** Text with \r\n or lone \r terminators: a plain character scan. */
function forEachLineSpanCr(text: string, fn: (start: number, end: number, lineNo: number) => void): number {
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  while (pos < n) {
    let i = pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    fn(pos, i, ++lineNo);
    pos = i < n && text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return lineNo;
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
