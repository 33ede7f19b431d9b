import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync, mkdirSync, chmodSync } from 'node:fs';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Stream a file through SHA-256 (constant memory for any size). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** SHA-256 of a file read back through one reused 1 MiB buffer (parsed/*.json can be tens of MB). */
export function sha256FileSync(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** writeSync until the first `length` bytes are written (it may write fewer per call). */
function writeAllSync(fd: number, buf: Uint8Array, length = buf.length): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

/** Write bytes to a new file (never overwriting), mode 0600, flushed to disk before returning. */
export function writeNewFileSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', FILE_MODE);
  try {
    writeAllSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace a derived file (acquisition.json, parsed/*): written to a temp name, flushed, renamed. */
export function writeFileDurableSync(path: string, data: string | Uint8Array): void {
  writeTextDurableSync(path, (write) => write(data));
}

/** Text pieces are encoded into a buffer of this size, written out whenever it is full. */
const PIECES_BUFFER = 1 << 20;

/**
 * writeFileDurableSync for content produced in pieces (a 100k-row JSON or CSV): `produce` calls
 * write() as often as it likes and at most one 1 MiB buffer is held before it goes to disk, instead
 * of the whole text, its flattened copy and its UTF-8 bytes at once.
 */
export function writeTextDurableSync(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', FILE_MODE);
  try {
    const buffer = Buffer.allocUnsafe(PIECES_BUFFER);
    let used = 0;
    const flush = (): void => {
      writeAllSync(fd, buffer, used);
      used = 0;
    };
    produce((piece) => {
      // A UTF-8 character takes at most 3 bytes per UTF-16 unit: a piece that may not fit is flushed first.
      const most = typeof piece === 'string' ? piece.length * 3 : piece.length;
      if (used + most > PIECES_BUFFER) flush();
      if (most > PIECES_BUFFER) writeAllSync(fd, typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
      else if (typeof piece === 'string') used += buffer.write(piece, used, 'utf8');
      else {
        buffer.set(piece, used);
        used += piece.length;
      }
    });
    flush();
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true }); // a full disk must not leave a half-written temp file behind
    throw err;
  }
  closeSync(fd);
  renameSyncDurable(tmp, path);
}

import { renameSync } from 'node:fs';
function renameSyncDurable(from: string, to: string): void {
  renameSync(from, to);
  chmodSync(to, FILE_MODE);
}

export function mkdirPrivate(path: string): void {
  mkdirSync(path, { recursive: true, mode: DIR_MODE });
  chmodSync(path, DIR_MODE);
}

/** Flush a directory entry (new files, renames) to disk. */
export function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the files themselves are already flushed.
  }
}
