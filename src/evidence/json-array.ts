// Reading a JSON array file of any size (parsed/connections.json of a million sockets is ~450 MB,
// near V8's 512 MB string limit): the file is decoded in 1 MiB pieces and each element is parsed on
// its own, so the whole text never exists as one string. Same result as JSON.parse for an array.
import { closeSync, constants, readSync } from 'node:fs';
import { openNoFollow } from './files.js';

const CHUNK = 1 << 20;
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The elements of the JSON array in `path`; throws an Error with the character position when it is not one. */
export function readJsonArrayFile(path: string): unknown[] {
  return readRecordLines(path) ?? scanJsonArrayFile(path);
}

/**
 * Fast path for the files netcustody writes (one element per line: "[", "{…},", …, "{…}", "]"):
 * each line goes to JSON.parse whole. A JSON string cannot hold a raw line break, so a line is one
 * element exactly; any other layout (indented, several per line, trailing text) returns null and the
 * file is read by the character scanner below, which gives the same result.
 */
function readRecordLines(path: string): unknown[] | null {
  const out: unknown[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openNoFollow(path, constants.O_RDONLY);
  let state: 'start' | 'elements' | 'closed' = 'start';
  let rest = '';
  let expectMore = false; // the last element line ended with ','
  const line = (text: string): boolean => {
    if (state === 'start') {
      if (text === '[') state = 'elements';
      else if (text === '[]') state = 'closed';
      else return false;
      return true;
    }
    if (state === 'closed') return text === '';
    if (text === ']') {
      if (expectMore) return false;
      state = 'closed';
      return true;
    }
    if (out.length > 0 && !expectMore) return false;
    expectMore = text.endsWith(',');
    try {
      out.push(JSON.parse(expectMore ? text.slice(0, -1) : text));
    } catch {
      return false;
    }
    return true;
  };
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      let text: string;
      try {
        text = rest + (n > 0 ? decoder.decode(buffer.subarray(0, n), { stream: true }) : decoder.decode());
      } catch {
        return null; // invalid UTF-8: the scanner reports it
      }
      let start = 0;
      // A charCodeAt scan (line-spans.ts: indexOf loops were seen to turn pathologically slow on Node 20).
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) !== 0x0a) continue;
        if (!line(text.slice(start, i))) return null;
        start = i + 1;
      }
      rest = text.slice(start);
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  if (rest !== '' && !line(rest)) return null;
  return (state as string) === 'closed' ? out : null;
}

function scanJsonArrayFile(path: string): unknown[] {
  const out: unknown[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openNoFollow(path, constants.O_RDONLY);
  // Where the scan is: before '[', inside the array (depth ≥ 1), after the closing ']'.
  let phase: 'before' | 'inside' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = ''; // the current element's text from earlier pieces
  let afterComma = false;
  let consumed = 0; // characters of earlier pieces, for error positions
  // One element's text, ended by ',' or by the closing ']' (where "[]" has none).
  const element = (text: string, at: number, closing: boolean): void => {
    const trimmed = text.trim();
    if (trimmed === '') {
      if (closing && !afterComma) return;
      throw new Error(`empty array element at character ${at}`);
    }
    out.push(JSON.parse(trimmed));
  };
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      const text = n > 0 ? decoder.decode(buffer.subarray(0, n), { stream: true }) : decoder.decode();
      let start = 0; // start of the current element's text in this piece
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (phase === 'before') {
          if (c === 0x5b) {
            phase = 'inside';
            depth = 1;
            start = i + 1;
          } else if (!WS.has(c)) throw new Error(`not a JSON array (character ${consumed + i})`);
          continue;
        }
        if (phase === 'after') {
          if (!WS.has(c)) throw new Error(`text after the array (character ${consumed + i})`);
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            element(pending + text.slice(start, i), consumed + i, true);
            pending = '';
            phase = 'after';
          }
        } else if (c === 0x2c && depth === 1) {
          element(pending + text.slice(start, i), consumed + i, false);
          pending = '';
          afterComma = true;
          start = i + 1;
        }
      }
      if (phase === 'inside') pending += text.slice(start);
      consumed += text.length;
      if (n === 0) break;
    }
  } finally {
    closeSync(fd);
  }
  if (phase !== 'after') throw new Error(phase === 'before' ? 'not a JSON array (empty file)' : 'the array is not closed (truncated file?)');
  return out;
}
