// File primitives for the evidence folder. Nothing here follows a symbolic link: reads and writes
// open with O_NOFOLLOW (or O_EXCL), folders are checked with lstat, so a link planted in a folder
// (report/ → /etc) is refused by name instead of being written through.
import { createHash } from 'node:crypto';
import { close, createReadStream, fsync } from 'node:fs';
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readSync, readlinkSync, renameSync, rmSync, unlinkSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { EvidenceError } from './errors.js';
import { writeAllSync, writePiecesHashed } from './piece-writer.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Temporary names the writers use (`<file>.tmp-<pid>`): never evidence, never sealed. */
export const TEMP_NAME = /\.tmp-(\d+)$/;

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW } = constants;

/** The one-line error for a link met inside an evidence folder. */
export function linkRefused(path: string): EvidenceError {
  let target = '';
  try {
    target = ` (→ ${readlinkSync(path)})`;
  } catch {
    // not a link after all (ELOOP from a link in the middle of the path): the name is enough
  }
  return new EvidenceError(
    `${path} is a symbolic link${target}: netcustody never follows links inside an evidence folder`,
    'replace the link with the real file or folder (or remove it), then run the command again',
  );
}

/** open(2) that refuses a link in the last component with a clear error instead of ELOOP. */
export function openNoFollow(path: string, flags: number, mode = FILE_MODE): number {
  try {
    return openSync(path, flags | O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw linkRefused(path);
    throw err;
  }
}

/** The whole file, read without following a link. */
export function readFileNoFollow(path: string): Buffer {
  const fd = openNoFollow(path, O_RDONLY);
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(size, 1), 1 << 20));
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/** Stream a file through SHA-256 (constant memory for any size). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = openNoFollow(path, O_RDONLY);
    } catch (err) {
      reject(err);
      return;
    }
    const hash = createHash('sha256');
    createReadStream('', { fd })
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** SHA-256 of a file read back through one reused 1 MiB buffer (parsed/*.json can be tens of MB). */
export function sha256FileSync(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openNoFollow(path, O_RDONLY);
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

/** Write bytes to a new file (never overwriting, never through a link), mode 0600, flushed before returning. */
export function writeNewFileSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', FILE_MODE);
  try {
    writeAllSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Append bytes to a file (created 0600 when missing) and flush them; a symbolic or hard link is
 * refused. With `flush` false the bytes are written (in order, visible to every reader) but the
 * caller takes over making them durable (custody.ts: flushCustodyLater).
 */
export function appendFileNoFollow(path: string, data: string | Uint8Array, flush = true): void {
  const fd = openNoFollow(path, O_WRONLY | O_APPEND | O_CREAT);
  const size = fstatSync(fd).size;
  try {
    // A hard link would carry the appended bytes to another name (outside the folder) as well.
    if (fstatSync(fd).nlink > 1) throw new EvidenceError(`${path} has ${fstatSync(fd).nlink} hard links: netcustody appends only to a file that exists once`);
    writeAllSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (flush) fsyncSync(fd);
  } catch (err) {
    // A half-written line (full disk) would break the custody chain for every later event: take it back.
    ftruncateSync(fd, size);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Replace a derived file (acquisition.json, parsed/*): written to a temp name, flushed, renamed. */
export function writeFileDurableSync(path: string, data: string | Uint8Array): void {
  writeTextDurableSync(path, (write) => write(data));
}

/**
 * writeFileDurableSync for content produced in pieces (a 100k-row JSON or CSV): `produce` calls
 * write() as often as it likes and at most one 1 MiB buffer is held before it goes to disk, instead
 * of the whole text, its flattened copy and its UTF-8 bytes at once.
 */
export function writeTextDurableSync(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): string {
  const { tmp, sha256 } = writeTempHashedSync(path, produce);
  renameDurable(tmp, path);
  return sha256;
}

/**
 * The content written to `<path>.tmp-<pid>` (new file, mode 0600, flushed) and that name returned;
 * on any failure (a full disk) the temporary file is removed and the error passed on. Publishing
 * several files together: write each with this, then rename them one after the other.
 */
export function writeTempSync(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): string {
  return writeTempHashedSync(path, produce).tmp;
}

export interface TempWritten {
  tmp: string;
  /** SHA-256 of the bytes as they were written (no second read of the file). */
  sha256: string;
  bytes: number;
}

/** writeTempSync that hashes the bytes on their way to disk (custody needs the hash of every output). */
export function writeTempHashedSync(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): TempWritten {
  const { fd, ...written } = writeTempHashedOpen(path, produce);
  try {
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(written.tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  return written;
}

/**
 * writeTempHashedSync whose flush runs on libuv's thread pool while the caller writes its next file:
 * `flushed` settles once the file is on disk and closed (rejects with the fsync error; the caller
 * then removes the temp file). Nothing may be renamed into place before it has settled.
 */
export function writeTempHashedFlushLater(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): TempWritten & { flushed: Promise<void> } {
  const { fd, ...written } = writeTempHashedOpen(path, produce);
  const flushed = new Promise<void>((resolve, reject) => {
    fsync(fd, (err) => close(fd, (closeErr) => (err ?? closeErr ? reject(err ?? closeErr) : resolve())));
  });
  return { ...written, flushed };
}

/** The content written to a new temp file and hashed; the file is left open (not yet flushed). */
function writeTempHashedOpen(path: string, produce: (write: (piece: string | Uint8Array) => void) => void): TempWritten & { fd: number } {
  assertRealFolder(dirname(path));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openTempNew(tmp);
  let written: { sha256: string; bytes: number };
  try {
    written = writePiecesHashed(fd, produce);
    fchmodSync(fd, FILE_MODE);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true }); // a full disk must not leave a half-written temp file behind
    throw err;
  }
  return { fd, tmp, ...written };
}

/** A new temp file; our own leftover of the same name (a regular file) is replaced, a link refused. */
function openTempNew(tmp: string): number {
  try {
    return openNoFollow(tmp, O_WRONLY | O_CREAT | O_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const stat = lstatSync(tmp);
    if (!stat.isFile()) throw stat.isSymbolicLink() ? linkRefused(tmp) : new EvidenceError(`${tmp}: exists and is not a regular file`);
    unlinkSync(tmp);
    return openNoFollow(tmp, O_WRONLY | O_CREAT | O_EXCL);
  }
}

/** rename(2) replaces a link at `to` itself, never its target; the folder entry is flushed. */
export function renameDurable(from: string, to: string): void {
  renameSync(from, to);
  fsyncDir(dirname(to));
}

/** The path is a folder and not a link to one (writing into it cannot land elsewhere). */
export function assertRealFolder(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) throw linkRefused(path);
  if (!stat.isDirectory()) throw new EvidenceError(`${path}: not a folder`);
}

/** A private folder (0700); an existing one must be a real folder, never a link. */
export function mkdirPrivate(path: string): void {
  try {
    assertRealFolder(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(path, { recursive: true, mode: DIR_MODE });
    assertRealFolder(path);
  }
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
