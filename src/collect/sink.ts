import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactFile } from '../model.js';
import { FILE_MODE } from '../evidence/files.js';

/** A new raw artifact being written: exact bytes, hashed as they stream, flushed before closing. */
export interface ArtifactSink {
  write(chunk: Uint8Array): void;
  close(): ArtifactFile;
}

export function openArtifact(dir: string, relPath: string): ArtifactSink {
  const fd = openSync(join(dir, relPath), 'wx', FILE_MODE);
  const hash: Hash = createHash('sha256');
  let bytes = 0;
  let closed: ArtifactFile | null = null;
  return {
    write(chunk) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      hash.update(chunk);
      bytes += chunk.length;
    },
    close() {
      if (closed) return closed;
      fsyncSync(fd);
      closeSync(fd);
      closed = { path: relPath, bytes, sha256: hash.digest('hex') };
      return closed;
    },
  };
}
