import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactFile } from '../model.js';
import { FILE_MODE } from '../evidence/files.js';

/**
 * A new raw artifact being written: exact bytes, hashed as they stream, flushed before closing.
 * A write error (a full disk) never throws out of write(): the bytes already on disk are kept and
 * hashed, the rest is counted as not written, and close() says so in `writeError`.
 */
export interface ArtifactSink {
  /** Path relative to the evidence folder. */
  readonly path: string;
  write(chunk: Uint8Array): void;
  /** The file as written; null when it could not even be created. */
  close(): ArtifactFile | null;
  /** The same, with the fsync on libuv's thread pool (a fleet's one thread keeps reading the other hosts). */
  closeDurable(): Promise<ArtifactFile | null>;
  /** Why the artifact is incomplete (e.g. "ENOSPC: no space left on device"), null while it is whole. */
  failure(): string | null;
}

export function openArtifact(dir: string, relPath: string): ArtifactSink {
  const hash: Hash = createHash('sha256');
  let bytes = 0;
  let notWritten = 0;
  let error: string | null = null;
  let fd: number | null = null;
  try {
    fd = openSync(join(dir, relPath), 'wx', FILE_MODE);
  } catch (err) {
    error = errorText(err);
  }
  let closed = false;
  let file: ArtifactFile | null = null;
  const finish = (): ArtifactFile | null => {
    if (closed || fd === null) return file;
    closed = true;
    closeSync(fd);
    file = { path: relPath, bytes, sha256: hash.digest('hex') };
    if (error !== null) file.writeError = { error, bytesNotWritten: notWritten };
    return file;
  };
  return {
    path: relPath,
    write(chunk) {
      let off = 0;
      if (fd !== null && error === null) {
        try {
          while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        } catch (err) {
          error = errorText(err);
        }
      }
      // Only what reached the file is hashed: the record must match the bytes on disk.
      hash.update(off === chunk.length ? chunk : chunk.subarray(0, off));
      bytes += off;
      notWritten += chunk.length - off;
    },
    close() {
      if (closed || fd === null) return finish();
      try {
        fsyncSync(fd);
      } catch (err) {
        error ??= `not flushed to disk: ${errorText(err)}`;
      }
      return finish();
    },
    closeDurable() {
      if (closed || fd === null) return Promise.resolve(finish());
      const open = fd;
      return new Promise((resolve) => fsync(open, (err) => {
        if (err) error ??= `not flushed to disk: ${errorText(err)}`;
        resolve(finish());
      }));
    },
    failure: () => error,
  };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '')}` : String(e.message ?? err);
}
