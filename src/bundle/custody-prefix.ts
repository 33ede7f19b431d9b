// The custody log keeps growing after sealing (the bundling is recorded in it), so a folder's
// custody.jsonl may legitimately be longer than the sealed one: the sealed hash must then match a
// prefix of it that ends at a line boundary.
import { createHash } from 'node:crypto';

/** Byte length of the line-aligned prefix of `bytes` whose SHA-256 is `sha256`, or null. */
export function sealedPrefixLength(bytes: Buffer, sha256: string): number | null {
  const hash = createHash('sha256');
  if (hash.copy().digest('hex') === sha256) return 0;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    hash.update(bytes.subarray(start, i + 1));
    start = i + 1;
    if (hash.copy().digest('hex') === sha256) return start;
  }
  if (start < bytes.length) {
    hash.update(bytes.subarray(start));
    if (hash.digest('hex') === sha256) return bytes.length;
  }
  return null;
}

/** Number of newline-terminated lines (events) in a custody log. */
export function countLines(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}
