// Writing text produced in pieces (a 100k-row JSON or CSV) to an open file, hashed on the way:
// pieces are joined, encoded into one 1 MiB buffer and written whenever it is full, so at most that
// buffer is held instead of the whole text, its flattened copy and its UTF-8 bytes at once.
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';

/** Text pieces are encoded into a buffer of this size, written out whenever it is full. */
const PIECES_BUFFER = 1 << 20;
/** Small text pieces are joined up to this many UTF-16 units before they are encoded. */
const JOIN_CHARS = 16_384;

/** writeSync until the first `length` bytes are written (it may write fewer per call). */
export function writeAllSync(fd: number, buf: Uint8Array, length = buf.length): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

function startsWithLowSurrogate(text: string): boolean {
  const c = text.charCodeAt(0);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Every piece `produce` gives written to `fd` in order; the SHA-256 and count of the bytes written. */
export function writePiecesHashed(fd: number, produce: (write: (piece: string | Uint8Array) => void) => void): { sha256: string; bytes: number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const buffer = Buffer.allocUnsafe(PIECES_BUFFER);
  let used = 0;
  const out = (buf: Uint8Array, length: number): void => {
    writeAllSync(fd, buf, length);
    hash.update(length === buf.length ? buf : buf.subarray(0, length));
    bytes += length;
  };
  const flush = (): void => {
    out(buffer, used);
    used = 0;
  };
  const put = (piece: string | Uint8Array): void => {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: a piece that may not fit is flushed first.
    const most = typeof piece === 'string' ? piece.length * 3 : piece.length;
    if (used + most > PIECES_BUFFER) flush();
    if (most > PIECES_BUFFER) {
      const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      out(buf, buf.length);
    } else if (typeof piece === 'string') used += buffer.write(piece, used, 'utf8');
    else {
      buffer.set(piece, used);
      used += piece.length;
    }
  };
  // Small strings (a 100-byte record, its ",\n") are joined before they are encoded: one
  // buffer.write per 180,000 pieces cost more than the encoding. A piece that starts with a low
  // surrogate is never joined: encoded apart, a lone surrogate pair half stays U+FFFD as before.
  let pending = '';
  produce((piece) => {
    if (typeof piece === 'string' && pending.length + piece.length <= JOIN_CHARS && !startsWithLowSurrogate(piece)) {
      pending += piece;
      return;
    }
    if (pending) put(pending);
    pending = '';
    if (typeof piece === 'string' && piece.length < JOIN_CHARS && !startsWithLowSurrogate(piece)) pending = piece;
    else put(piece);
  });
  if (pending) put(pending);
  flush();
  return { sha256: hash.digest('hex'), bytes };
}
