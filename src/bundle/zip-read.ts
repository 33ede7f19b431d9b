// Reading an untrusted zip safely. Two independent readers (the strict scan in zip-scan.ts and
// yauzl) must see the same central directory; every entry is vetted (names, types whatever the host
// byte, duplicates, encryption, sizes), every local header must agree with it and every byte of the
// file must belong to a member or to the directory, all before a single byte is extracted.
// SHA256SUMS is read first (small cap): only the members it lists and the seal files are extracted,
// the declared total is checked up front, and no member may inflate past its declared size.
import { closeSync, openSync, readFileSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { PATHS } from '../evidence/folder.js';
import { SEAL_FILES, parseSums } from './members.js';
import type { CheckFailure, ZipLimits } from './types.js';
import { extractSpan } from './zip-extract.js';
import { checkLocalHeaders, type MemberSpan } from './zip-local.js';
import { scanCentralDirectory, type CentralDirectory } from './zip-scan.js';
import { DEFLATE_MAX_RATIO, shownName, vetEntry, type VettedEntry } from './zip-vet.js';

const GiB = 1024 ** 3;
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxMemberBytes: 64 * GiB, maxTotalBytes: 128 * GiB, maxRatio: DEFLATE_MAX_RATIO };
/** SHA256SUMS, manifest.json, manifest.sig and the certificate are small: 10,000 members fit. */
export const SEAL_FILE_CAP = 16 * 1024 * 1024;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface ExtractedMember {
  name: string;
  sha256: string;
  bytes: number;
}

export interface ZipReadResult {
  failures: CheckFailure[];
  /** Extracted regular files by name (empty when the zip was rejected before extraction). */
  members: Map<string, ExtractedMember>;
  /** Members not extracted because SHA256SUMS does not list them (extra members). */
  unlisted: string[];
  entries: number;
  zipBytes: number;
  /** Declared uncompressed bytes of the members extracted: nothing beyond this reaches the disk. */
  totalUncompressed: number;
}

interface Planned {
  vetted: VettedEntry;
  span: MemberSpan;
}

export async function extractZipSafely(zipPath: string, destDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipReadResult> {
  const result: ZipReadResult = { failures: [], members: new Map(), unlisted: [], entries: 0, zipBytes: statSync(zipPath).size, totalUncompressed: 0 };
  const planned = await readStructure(zipPath, limits, result);
  if (!planned || result.failures.length > 0) return result;
  // SHA256SUMS first: what it lists decides what is extracted.
  const sums = planned.find((p) => p.vetted.name === PATHS.sums);
  let listed = new Map<string, string>();
  if (sums) {
    if (sums.span.entry.uncompressedSize > SEAL_FILE_CAP) return failWith(result, PATHS.sums, `${sums.span.entry.uncompressedSize} bytes: more than ${SEAL_FILE_CAP} for a hash list`);
    if (!(await extractOne(zipPath, sums, destDir, result))) return result;
    listed = new Map(parseSums(readFileSync(join(destDir, PATHS.sums), 'utf8')).entries.map((e) => [e.path, e.sha256]));
  }
  const rest: Planned[] = [];
  for (const p of planned) {
    if (p === sums) continue;
    const { name } = p.vetted;
    if (SEAL_FILES.includes(name) && p.span.entry.uncompressedSize > SEAL_FILE_CAP) return failWith(result, name, `${p.span.entry.uncompressedSize} bytes: more than ${SEAL_FILE_CAP} for a seal file`);
    // The one size a hash pins down: the empty file's. Either side claiming it alone is a lie.
    const size = p.span.entry.uncompressedSize;
    if (listed.has(name) && (size === 0) !== (listed.get(name) === EMPTY_SHA256)) return failWith(result, name, `SHA256SUMS and the central directory disagree on whether it is empty (${size} bytes declared)`);
    if (SEAL_FILES.includes(name) || listed.has(name)) rest.push(p);
    else result.unlisted.push(name);
  }
  result.totalUncompressed = [sums, ...rest].reduce((n, p) => n + (p?.span.entry.uncompressedSize ?? 0), 0);
  if (result.totalUncompressed > limits.maxTotalBytes) {
    return failWith(result, undefined, `members total ${result.totalUncompressed} bytes uncompressed: more than the limit of ${limits.maxTotalBytes}`);
  }
  checkFreeSpace(destDir, result);
  for (const p of rest) if (result.failures.length === 0) await extractOne(zipPath, p, destDir, result);
  return result;
}

/** The vetted, non-directory members with their data ranges, or null (failures say why). */
async function readStructure(zipPath: string, limits: ZipLimits, result: ZipReadResult): Promise<Planned[] | null> {
  const fd = openSync(zipPath, 'r');
  let cd: CentralDirectory | null;
  let spans: MemberSpan[] = [];
  try {
    cd = scanCentralDirectory(fd, result.zipBytes, result.failures);
    if (!cd) return null;
    result.entries = cd.entries.length;
    if (cd.entries.length > limits.maxEntries) {
      failWith(result, undefined, `${cd.entries.length} entries: more than the limit of ${limits.maxEntries}`);
      return null;
    }
    spans = checkLocalHeaders(fd, cd, shownName, result.failures);
  } finally {
    closeSync(fd);
  }
  const vetted = vetAll(cd, limits, result.failures);
  await crossCheckWithYauzl(zipPath, cd, result.failures);
  if (result.failures.length > 0) return null;
  const spanOf = new Map(spans.map((s) => [s.entry, s]));
  return vetted.filter((v) => !v.directory).map((v) => ({ vetted: v, span: spanOf.get(v.entry)! }));
}

function vetAll(cd: CentralDirectory, limits: ZipLimits, failures: CheckFailure[]): VettedEntry[] {
  const vetted: VettedEntry[] = [];
  const seen = new Map<string, string>();
  for (const entry of cd.entries) {
    const v = vetEntry(entry, limits, failures);
    if (!v) continue;
    // Case- and Unicode-folded names would collide on other file systems: ambiguous evidence.
    const folded = v.name.normalize('NFC').toLowerCase();
    const previous = seen.get(folded);
    if (previous !== undefined) failures.push({ member: v.name, reason: previous === v.name ? 'duplicate name' : `name collides with ${previous}` });
    seen.set(folded, v.name);
    vetted.push(v);
  }
  return vetted;
}

/** A second reader must list the same entries at the same offsets with the same sizes. */
async function crossCheckWithYauzl(zipPath: string, cd: CentralDirectory, failures: CheckFailure[]): Promise<void> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true });
    let i = 0;
    for await (const e of zip.eachEntry()) {
      const mine = cd.entries[i++];
      const same = mine && e.fileNameRaw.equals(mine.nameRaw) && e.relativeOffsetOfLocalHeader === mine.localHeaderOffset && e.compressedSize === mine.compressedSize && e.uncompressedSize === mine.uncompressedSize;
      if (!same) failures.push({ member: e.fileNameRaw.toString('latin1'), reason: `another zip reader sees a different central directory (entry ${i})` });
    }
    if (i !== cd.entries.length) failures.push({ reason: `another zip reader sees ${i} entries, the strict reading ${cd.entries.length}` });
  } catch (err) {
    failures.push({ reason: `not a readable zip (truncated or damaged): ${(err as Error).message}` });
  } finally {
    zip?.close();
  }
}

async function extractOne(zipPath: string, p: Planned, destDir: string, result: ZipReadResult): Promise<boolean> {
  try {
    const written = await extractSpan(zipPath, p.span, p.vetted.name, destDir);
    result.members.set(p.vetted.name, { name: p.vetted.name, ...written });
    return true;
  } catch (err) {
    result.failures.push({ member: p.vetted.name, reason: (err as Error).message });
    return false;
  }
}

function checkFreeSpace(destDir: string, result: ZipReadResult): void {
  const fs = statfsSync(destDir);
  const free = fs.bavail * fs.bsize;
  if (free < result.totalUncompressed + 16 * 1024 * 1024) {
    result.failures.push({ reason: `not enough space in ${destDir} to check ${result.totalUncompressed} bytes (${free} free)` });
  }
}

function failWith(result: ZipReadResult, member: string | undefined, reason: string): ZipReadResult {
  result.failures.push(member ? { member, reason } : { reason });
  return result;
}
