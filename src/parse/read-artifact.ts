// Reading one raw artifact for its parser. A 100k-socket capture is 10 MB: read whole, its bytes and
// its decoded text (another 10 MB on the heap) stayed in memory until a late full GC, a sixth of
// analyze's peak. Plain ASCII text whose parser reads pieces (ChunkReader) is read 64 KiB at a time
// instead, cut after a line terminator; the records and line numbers are those of the whole text.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import type { ParseResult } from '../model.js';
import { detectFormat, parseText } from './registry.js';
import { decodeBytes, looksLikeUtf16le } from './text.js';

/** Bytes read at a time (a piece grows to hold a longer line). */
export const PIECE_BYTES = 64 * 1024;
/** detectFormat reads the first 80 lines: further than this, the whole file is read as before. */
const HEAD_MAX = 1024 * 1024;
const HEAD_LINES = 80;
const LF = 10;

/** Parse an artifact file: in pieces when it can (see above), else decoded whole. */
export function parseArtifactFile(path: string, artifact: string, pieceBytes = PIECE_BYTES): ParseResult {
  return parseInPieces(path, artifact, pieceBytes) ?? parseWhole(path, artifact);
}

function parseWhole(path: string, artifact: string): ParseResult {
  const bytes = readFileSync(path);
  const { text, encoding } = decodeBytes(bytes);
  // ASCII (UTF-8 as long as the bytes): each character is the byte at the same offset, and
  // parsers may copy what they keep from the bytes. Not latin1: its decoding may follow cp1252.
  const sameOffsets = encoding === 'utf-8' && text.length === bytes.length;
  return parseText(text, artifact, encoding, sameOffsets ? bytes : undefined);
}

/** Null when the file is not plain ASCII (decodeBytes decides), or its format has no piece reader. */
function parseInPieces(path: string, artifact: string, pieceBytes: number): ParseResult | null {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.max(1, pieceBytes));
    let filled = 0;
    let eof = false;
    const fill = (): void => {
      while (!eof && filled < buf.length) {
        const n = readSync(fd, buf, filled, buf.length - filled, null);
        if (n === 0) eof = true;
        filled += n;
      }
    };
    const grow = (): void => {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    };
    // The head detectFormat reads: its first 80 lines, or the whole file when shorter.
    fill();
    while (!eof && countLf(buf, filled, HEAD_LINES) < HEAD_LINES) {
      if (buf.length >= HEAD_MAX) return null;
      grow();
      fill();
    }
    const head = buf.subarray(0, filled);
    if (filled === 0 || looksLikeUtf16le(head) || !isAscii(head)) return null;
    const reader = detectFormat(head.toString('latin1'))?.parser.reader?.(artifact, 'utf-8');
    if (!reader) return null;
    let lineBase = 0;
    for (;;) {
      fill();
      // A piece ends after its last \n (a clean line start whatever the terminators); the rest waits.
      const cut = eof ? filled : buf.lastIndexOf(LF, filled - 1) + 1;
      if (cut === 0 && !eof) {
        grow();
        continue;
      }
      const piece = buf.subarray(0, cut);
      if (!isAscii(piece)) return null;
      if (cut > 0) lineBase += reader.read(piece.toString('latin1'), piece, lineBase);
      buf.copy(buf, 0, cut, filled);
      filled -= cut;
      if (eof && filled === 0) return reader.finish();
    }
  } finally {
    closeSync(fd);
  }
}

/** How many \n are in buf[0, end), counting no further than `max`. */
function countLf(buf: Buffer, end: number, max: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i >= 0 && i < end && n < max; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}
