// Reading an untrusted zip safely: every central-directory entry is vetted (names, links, duplicates,
// encryption, sizes) before a single byte is extracted, member data ranges must not overlap (the
// classic non-recursive zip bomb), and members are written only below a fresh folder with 'wx'.
// Sizes and CRC-32 are checked while streaming, so memory stays flat for any member size.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, statSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { CheckFailure, ZipLimits } from './types.js';
import { unsafeNameReason } from './members.js';

const GiB = 1024 ** 3;
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxMemberBytes: 64 * GiB, maxTotalBytes: 128 * GiB, maxRatio: 1100 };

export interface ExtractedMember {
  name: string;
  sha256: string;
  bytes: number;
}

export interface ZipReadResult {
  failures: CheckFailure[];
  /** Extracted regular files by name (empty when the zip was rejected before extraction). */
  members: Map<string, ExtractedMember>;
  entries: number;
  zipBytes: number;
  totalUncompressed: number;
}

interface Vetted {
  entry: Entry;
  name: string;
  directory: boolean;
}

export async function extractZipSafely(zipPath: string, destDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipReadResult> {
  const result: ZipReadResult = { failures: [], members: new Map(), entries: 0, zipBytes: statSync(zipPath).size, totalUncompressed: 0 };
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    result.failures.push({ reason: `not a readable zip (truncated or damaged): ${(err as Error).message}` });
    return result;
  }
  try {
    const vetted = await readCentralDirectory(zip, limits, result);
    if (result.failures.length > 0) return result;
    await checkLocalHeaders(zip, vetted, result);
    if (result.failures.length > 0) return result;
    checkFreeSpace(destDir, result);
    if (result.failures.length > 0) return result;
    for (const v of vetted) if (!v.directory) await extractMember(zip, v, destDir, result);
    return result;
  } finally {
    zip.close();
  }
}

async function readCentralDirectory(zip: ZipFile, limits: ZipLimits, result: ZipReadResult): Promise<Vetted[]> {
  const vetted: Vetted[] = [];
  const seen = new Map<string, string>();
  if (zip.entryCount > limits.maxEntries) {
    result.failures.push({ reason: `${zip.entryCount} entries: more than the limit of ${limits.maxEntries}` });
    return vetted;
  }
  try {
    for await (const entry of zip.eachEntry()) {
      result.entries++;
      const v = vetEntry(entry, limits, result);
      if (!v) continue;
      // Case- and Unicode-folded names would collide on other file systems: ambiguous evidence.
      const folded = v.name.normalize('NFC').toLowerCase();
      const previous = seen.get(folded);
      if (previous !== undefined) result.failures.push({ member: v.name, reason: previous === v.name ? 'duplicate name' : `name collides with ${previous}` });
      seen.set(folded, v.name);
      result.totalUncompressed += entry.uncompressedSize;
      vetted.push(v);
    }
  } catch (err) {
    result.failures.push({ reason: `central directory rejected: ${(err as Error).message}` });
  }
  if (result.totalUncompressed > limits.maxTotalBytes) {
    result.failures.push({ reason: `members total ${result.totalUncompressed} bytes uncompressed: more than the limit of ${limits.maxTotalBytes}` });
  }
  return vetted;
}

function vetEntry(entry: Entry, limits: ZipLimits, result: ZipReadResult): Vetted | null {
  const raw = entry.fileNameRaw;
  const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  const name = utf8 || raw.every((b) => b < 0x80) ? decodeUtf8(raw) : null;
  const shown = name ?? raw.toString('latin1');
  const fail = (reason: string): null => {
    result.failures.push({ member: shown, reason });
    return null;
  };
  if (name === null) return fail(utf8 ? 'name is not valid UTF-8' : 'non-ASCII name without the UTF-8 flag (ambiguous encoding)');
  const directory = name.endsWith('/');
  const unsafe = unsafeNameReason(directory ? name.slice(0, -1) : name);
  if (unsafe) return fail(unsafe);
  if (entry.extraFields.some((f) => f.id === 0x7075)) return fail('Info-ZIP Unicode path field: tools may show another name');
  if ((entry.generalPurposeBitFlag & 0x41) !== 0) return fail('encrypted entry');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return fail(`unsupported compression method ${entry.compressionMethod}`);
  const type = fileType(entry);
  if (type === 'symlink') return fail('symbolic link');
  if (type === 'special') return fail('device, FIFO or socket entry');
  if ((type === 'directory') !== directory && type !== 'unknown') return fail('file type and name disagree (directory)');
  if (directory && entry.uncompressedSize > 0) return fail('directory entry with content');
  if (entry.uncompressedSize > limits.maxMemberBytes) return fail(`${entry.uncompressedSize} bytes uncompressed: more than the limit of ${limits.maxMemberBytes}`);
  if (entry.uncompressedSize > entry.compressedSize * limits.maxRatio + 4096) {
    return fail(`compression ratio above ${limits.maxRatio}:1 (zip bomb?)`);
  }
  return { entry, name: directory ? name.slice(0, -1) : name, directory };
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Type bits of the Unix mode when the entry was made on Unix; DOS entries are plain files or dirs. */
function fileType(entry: Entry): 'file' | 'directory' | 'symlink' | 'special' | 'unknown' {
  if (entry.versionMadeBy >> 8 !== 3) return (entry.externalFileAttributes & 0x10) !== 0 ? 'directory' : 'unknown';
  const kind = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (kind === 0o120000) return 'symlink';
  if (kind === 0o040000) return 'directory';
  if (kind === 0o100000) return 'file';
  if (kind === 0) return 'unknown';
  return 'special';
}

/** Local headers must repeat the central names, and no two members' data may overlap. */
async function checkLocalHeaders(zip: ZipFile, vetted: Vetted[], result: ZipReadResult): Promise<void> {
  const ranges: { name: string; start: number; end: number }[] = [];
  for (const v of vetted) {
    try {
      const local = await zip.readLocalFileHeaderPromise(v.entry, {});
      if (!local.fileName.equals(v.entry.fileNameRaw)) result.failures.push({ member: v.name, reason: 'local header names another file than the central directory' });
      if ((local.generalPurposeBitFlag & 0x41) !== 0) result.failures.push({ member: v.name, reason: 'encrypted entry (local header)' });
      ranges.push({ name: v.name, start: v.entry.relativeOffsetOfLocalHeader, end: local.fileDataStart + v.entry.compressedSize });
    } catch (err) {
      result.failures.push({ member: v.name, reason: `bad local header: ${(err as Error).message}` });
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i].start < ranges[i - 1].end) {
      result.failures.push({ member: ranges[i].name, reason: `data overlaps ${ranges[i - 1].name} (zip bomb?)` });
    }
  }
}

function checkFreeSpace(destDir: string, result: ZipReadResult): void {
  const fs = statfsSync(destDir);
  const free = fs.bavail * fs.bsize;
  if (free < result.totalUncompressed + 16 * 1024 * 1024) {
    result.failures.push({ reason: `not enough space in ${destDir} to check ${result.totalUncompressed} bytes (${free} free)` });
  }
}

async function extractMember(zip: ZipFile, v: Vetted, destDir: string, result: ZipReadResult): Promise<void> {
  const target = join(destDir, ...v.name.split('/'));
  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    const stream = await zip.openReadStreamPromise(v.entry);
    await pipeline(stream, meter, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    result.failures.push({ member: v.name, reason: `cannot extract: ${(err as Error).message}` });
    return;
  }
  if (bytes !== v.entry.uncompressedSize) result.failures.push({ member: v.name, reason: `${bytes} bytes, the directory says ${v.entry.uncompressedSize}` });
  else if (crc >>> 0 !== v.entry.crc32 >>> 0) result.failures.push({ member: v.name, reason: 'CRC-32 does not match (damaged data)' });
  else result.members.set(v.name, { name: v.name, sha256: hash.digest('hex'), bytes });
}
