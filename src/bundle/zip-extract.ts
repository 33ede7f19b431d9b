// One member's data, inflated from exactly its byte range and written to a new file. Never more than
// the size the central directory declares reaches the disk: the first byte beyond it stops the member.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import type { MemberSpan } from './zip-local.js';

export interface WrittenMember {
  sha256: string;
  bytes: number;
}

/** Resolves with the member's hash, or rejects with a one-line reason (the partial file may remain). */
export async function extractSpan(zipPath: string, span: MemberSpan, name: string, destDir: string): Promise<WrittenMember> {
  const declared = span.entry.uncompressedSize;
  const target = join(destDir, ...name.split('/'));
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const room = declared - bytes;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      hash.update(kept);
      crc = crc32(kept, crc);
      bytes += kept.length;
      if (kept.length < chunk.length) {
        this.push(kept);
        done(new Error(`inflates to more than the ${declared} bytes the central directory declares (zip bomb?)`));
        return;
      }
      done(null, chunk);
    },
  });
  const raw: Readable = span.dataEnd > span.dataStart ? createReadStream(zipPath, { start: span.dataStart, end: span.dataEnd - 1, highWaterMark: 1 << 16 }) : emptyStream();
  const inflater: InflateRaw | null = span.entry.method === 8 ? createInflateRaw() : null;
  const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
  try {
    await (inflater ? pipeline(raw, inflater, limit, out) : pipeline(raw, limit, out));
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith('inflates') ? message : `cannot extract: ${message}`);
  }
  const compressed = span.dataEnd - span.dataStart;
  // bytesWritten counts the input zlib consumed: bytes after the end of the deflate stream are hidden data.
  if (inflater && inflater.bytesWritten !== compressed) throw new Error(`${compressed - inflater.bytesWritten} bytes of its compressed data follow the end of the deflate stream (hidden data)`);
  if (bytes !== declared) throw new Error(`${bytes} bytes, the directory says ${declared}`);
  if (crc >>> 0 !== span.entry.crc32 >>> 0) throw new Error('CRC-32 does not match (damaged data)');
  return { sha256: hash.digest('hex'), bytes };
}

function emptyStream(): Readable {
  const t = new Transform();
  t.end();
  return t;
}
