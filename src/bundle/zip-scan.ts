// A strict reading of a zip's end records and central directory, independent of yauzl: exactly one
// end record that ends the file, ZIP64 records that agree with the 32-bit ones, a central directory
// that is exactly as long as the end record says and ends where the end records begin. Readers that
// pick a different end record (backward scanners, ZIP64-first readers) must not see another zip.
import { readSync } from 'node:fs';
import type { CheckFailure } from './types.js';

export const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50, descriptor: 0x08074b50 } as const;
const MAX_COMMENT = 0xffff;
/** A central directory larger than this is not a bundle's (10,000 entries of long names fit). */
const MAX_CENTRAL_BYTES = 64 * 1024 * 1024;

export interface CentralEntry {
  index: number;
  nameRaw: Buffer;
  versionMadeBy: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  externalAttributes: number;
  extraIds: number[];
  /** The local header's ZIP64 extra field was needed (sizes ≥ 4 GiB): descriptors use 8-byte sizes. */
  zip64: boolean;
}

export interface CentralDirectory {
  entries: CentralEntry[];
  offset: number;
  size: number;
  /** Offset where the end records begin (ZIP64 record, or the 32-bit end record). */
  endRecordsStart: number;
}

export function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Never throws: a zip that cannot be read strictly gives failures and no directory. */
export function scanCentralDirectory(fd: number, fileSize: number, failures: CheckFailure[]): CentralDirectory | null {
  const fail = (reason: string): null => {
    failures.push({ reason });
    return null;
  };
  if (fileSize < 22) return fail('not a readable zip: shorter than an end record');
  const tailStart = Math.max(0, fileSize - 22 - MAX_COMMENT - 20 - 56);
  const tail = readAt(fd, tailStart, fileSize - tailStart);
  const candidates = signatureOffsets(tail, SIG.end).filter((i) => i + 22 <= tail.length);
  if (candidates.length === 0) return fail('not a readable zip: no end-of-central-directory record');
  // Backward-scanning readers (unzip, yauzl, Python) take the last signature: it must end the file.
  const at = candidates[candidates.length - 1];
  const commentLength = tail.readUInt16LE(at + 20);
  if (at + 22 + commentLength !== tail.length) {
    return fail(`the last end-of-central-directory record (at ${tailStart + at}) does not end the file: ${tail.length - at - 22 - commentLength} bytes unaccounted for`);
  }
  const comment = tail.subarray(at + 22);
  for (const [sig, what] of [[SIG.end, 'end record'], [SIG.end64, 'ZIP64 end record'], [SIG.locator64, 'ZIP64 locator'], [SIG.central, 'central directory header'], [SIG.local, 'local header']] as const) {
    if (signatureOffsets(comment, sig).length > 0) return fail(`the zip comment holds a ${what} signature (a second zip hidden for other readers)`);
  }
  for (const other of candidates.slice(0, -1)) {
    if (other + 22 + tail.readUInt16LE(other + 20) === tail.length) return fail(`two end-of-central-directory records claim the end of the file (at ${tailStart + other} and ${tailStart + at})`);
  }
  const end = tailStart + at;
  const eocd = tail.subarray(at, at + 22);
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) return fail('multi-disk zip (disk numbers are not 0)');
  const short = { entriesOnDisk: eocd.readUInt16LE(8), entries: eocd.readUInt16LE(10), size: eocd.readUInt32LE(12), offset: eocd.readUInt32LE(16) };
  if (short.entriesOnDisk !== short.entries) return fail('end record: entries on this disk and in total differ');

  let values = { entries: short.entries, size: short.size, offset: short.offset };
  let endRecordsStart = end;
  const hasLocator = end >= 20 && readAt(fd, end - 20, 4).readUInt32LE(0) === SIG.locator64;
  if (hasLocator) {
    const z64 = readZip64(fd, end, failures);
    if (!z64) return null;
    // A 32-bit field is either the "see ZIP64" sentinel or the same value: two directories are a FAIL.
    const pairs: [string, number, number, number][] = [
      ['entry count', short.entries, z64.entries, 0xffff],
      ['central directory size', short.size, z64.size, 0xffffffff],
      ['central directory offset', short.offset, z64.offset, 0xffffffff],
    ];
    for (const [what, v32, v64, sentinel] of pairs) {
      if (v32 !== sentinel && v32 !== v64) failures.push({ reason: `ZIP64 end record and 32-bit end record disagree on the ${what} (${v64} vs ${v32})` });
    }
    if (failures.length > 0) return null;
    values = { entries: z64.entries, size: z64.size, offset: z64.offset };
    endRecordsStart = z64.recordOffset;
  } else if (short.entries === 0xffff || short.size === 0xffffffff || short.offset === 0xffffffff) {
    return fail('end record says "see ZIP64" but there is no ZIP64 locator');
  }
  if (values.offset + values.size !== endRecordsStart) {
    return fail(`the central directory (offset ${values.offset}, ${values.size} bytes) does not end where the end records begin (${endRecordsStart}): ${endRecordsStart - values.offset - values.size} bytes unaccounted for`);
  }
  if (values.size > MAX_CENTRAL_BYTES) return fail(`central directory of ${values.size} bytes: more than ${MAX_CENTRAL_BYTES}`);
  const entries = parseEntries(readAt(fd, values.offset, values.size), values.entries, failures);
  return entries ? { entries, offset: values.offset, size: values.size, endRecordsStart } : null;
}

function readZip64(fd: number, end: number, failures: CheckFailure[]): { entries: number; size: number; offset: number; recordOffset: number } | null {
  const locator = readAt(fd, end - 20, 20);
  const recordOffset = Number(locator.readBigUInt64LE(8));
  if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) !== 1) failures.push({ reason: 'multi-disk zip (ZIP64 locator)' });
  const record = recordOffset + 56 <= end - 20 ? readAt(fd, recordOffset, 56) : null;
  if (!record || record.readUInt32LE(0) !== SIG.end64) {
    failures.push({ reason: `the ZIP64 locator points at ${recordOffset}, where there is no ZIP64 end record` });
    return null;
  }
  const recordEnd = recordOffset + 12 + Number(record.readBigUInt64LE(4));
  if (recordEnd !== end - 20) failures.push({ reason: `the ZIP64 end record ends at ${recordEnd}, not at its locator (${end - 20}): bytes unaccounted for` });
  if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) failures.push({ reason: 'multi-disk zip (ZIP64 end record)' });
  const onDisk = Number(record.readBigUInt64LE(24));
  const entries = Number(record.readBigUInt64LE(32));
  if (onDisk !== entries) failures.push({ reason: 'ZIP64 end record: entries on this disk and in total differ' });
  if (failures.length > 0) return null;
  return { entries, size: Number(record.readBigUInt64LE(40)), offset: Number(record.readBigUInt64LE(48)), recordOffset };
}

function parseEntries(cd: Buffer, count: number, failures: CheckFailure[]): CentralEntry[] | null {
  const entries: CentralEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG.central) {
      failures.push({ reason: `central directory entry ${i + 1} of ${count} is missing or damaged (at ${p})` });
      return null;
    }
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cd.length) {
      failures.push({ reason: `central directory entry ${i + 1} runs past the directory` });
      return null;
    }
    const nameRaw = cd.subarray(p + 46, p + 46 + nameLength);
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    const entry: CentralEntry = {
      index: i,
      nameRaw,
      versionMadeBy: cd.readUInt16LE(p + 4),
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      uncompressedSize: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      externalAttributes: cd.readUInt32LE(p + 38),
      extraIds: [],
      zip64: false,
    };
    const diskStart = cd.readUInt16LE(p + 34);
    const problem = applyExtra(entry, extra, diskStart);
    if (problem) {
      failures.push({ member: nameRaw.toString('latin1'), reason: problem });
      return null;
    }
    entries.push(entry);
    p = next;
  }
  if (p !== cd.length) {
    failures.push({ reason: `${cd.length - p} bytes after the last central directory entry (the end record counts ${count} entries)` });
    return null;
  }
  return entries;
}

/** Reads the extra fields; the ZIP64 field replaces exactly the 32-bit values that are sentinels. */
function applyExtra(entry: CentralEntry, extra: Buffer, diskStart: number): string | null {
  let diskNumber = diskStart;
  for (let q = 0; q < extra.length; ) {
    if (q + 4 > extra.length) return 'truncated extra field';
    const id = extra.readUInt16LE(q);
    const size = extra.readUInt16LE(q + 2);
    if (q + 4 + size > extra.length) return 'extra field runs past its header';
    if (entry.extraIds.includes(id)) return `extra field 0x${id.toString(16)} appears twice`;
    entry.extraIds.push(id);
    if (id === 0x0001) {
      const body = extra.subarray(q + 4, q + 4 + size);
      let r = 0;
      const take = (): number | null => (r + 8 <= body.length ? Number(body.readBigUInt64LE((r += 8) - 8)) : null);
      const fields: ['uncompressedSize' | 'compressedSize' | 'localHeaderOffset', number][] = [];
      if (entry.uncompressedSize === 0xffffffff) fields.push(['uncompressedSize', 0]);
      if (entry.compressedSize === 0xffffffff) fields.push(['compressedSize', 0]);
      if (entry.localHeaderOffset === 0xffffffff) fields.push(['localHeaderOffset', 0]);
      for (const [field] of fields) {
        const v = take();
        if (v === null) return 'ZIP64 extra field too short';
        entry[field] = v;
      }
      if (diskNumber === 0xffff) {
        if (r + 4 > body.length) return 'ZIP64 extra field too short';
        diskNumber = body.readUInt32LE(r);
        r += 4;
      }
      if (r !== body.length) return 'ZIP64 extra field holds values for fields that are not "see ZIP64"';
      entry.zip64 = true;
    }
    q += 4 + size;
  }
  if (diskNumber !== 0) return 'member on another disk';
  if (entry.uncompressedSize === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff) return '"see ZIP64" value without a ZIP64 extra field';
  return null;
}

export function signatureOffsets(buf: Buffer, sig: number): number[] {
  const needle = Buffer.alloc(4);
  needle.writeUInt32LE(sig);
  const out: number[] = [];
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) out.push(i);
  return out;
}
