// Local headers against the central directory, and coverage: every byte of the zip belongs to exactly
// one member (local header, data, data descriptor), the central directory or the end records. A
// streaming reader (which reads local headers) and a directory reader (which reads the central
// directory) must see the same members with the same names, flags, method, sizes and CRC-32.
import type { CheckFailure } from './types.js';
import { SIG, readAt, type CentralDirectory, type CentralEntry } from './zip-scan.js';

export interface MemberSpan {
  entry: CentralEntry;
  /** Where the compressed data starts and ends. */
  dataStart: number;
  dataEnd: number;
}

const DESCRIPTOR_FLAG = 0x08;

export function checkLocalHeaders(fd: number, cd: CentralDirectory, shown: (e: CentralEntry) => string, failures: CheckFailure[]): MemberSpan[] {
  const byOffset = [...cd.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const spans: MemberSpan[] = [];
  let expected = 0;
  for (let i = 0; i < byOffset.length; i++) {
    const entry = byOffset[i];
    const member = shown(entry);
    const fail = (reason: string): void => void failures.push({ member, reason });
    const start = entry.localHeaderOffset;
    const next = byOffset.slice(i + 1).find((e) => e.localHeaderOffset > start)?.localHeaderOffset ?? cd.offset;
    const span = readLocal(fd, entry, next, fail);
    if (i > 0 && start < expected) {
      fail(`data overlaps ${shown(byOffset[i - 1])} (zip bomb?)`);
      continue;
    }
    if (start > expected) failures.push({ reason: `${start - expected} bytes at offset ${expected} belong to no member (junk before ${member})` });
    if (span) spans.push(span);
    expected = span ? span.end : next;
  }
  if (byOffset.length > 0 && expected < cd.offset) failures.push({ reason: `${cd.offset - expected} bytes at offset ${expected} belong to no member (junk before the central directory)` });
  if (byOffset.length === 0 && cd.offset > 0) failures.push({ reason: `${cd.offset} bytes before the central directory belong to no member` });
  return spans;
}

function readLocal(fd: number, entry: CentralEntry, next: number, fail: (reason: string) => void): (MemberSpan & { end: number }) | null {
  const start = entry.localHeaderOffset;
  const head = readAt(fd, start, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== SIG.local) {
    fail(`no local header at offset ${start}`);
    return null;
  }
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const rest = readAt(fd, start + 30, nameLength + extraLength);
  const name = rest.subarray(0, nameLength);
  const local = {
    flags: head.readUInt16LE(6),
    method: head.readUInt16LE(8),
    crc32: head.readUInt32LE(14),
    compressedSize: head.readUInt32LE(18),
    uncompressedSize: head.readUInt32LE(22),
  };
  if (!name.equals(entry.nameRaw)) fail('local header names another file than the central directory');
  if (local.flags !== entry.flags) fail(`local header flags 0x${local.flags.toString(16)} differ from the central directory's 0x${entry.flags.toString(16)}`);
  if (local.method !== entry.method) fail(`local header compression method ${local.method} differs from the central directory's ${entry.method}`);
  const extra = readLocalExtra(rest.subarray(nameLength), local);
  if (typeof extra === 'string') {
    fail(extra);
    return null;
  }
  if (extra.includes(0x7075)) fail('Info-ZIP Unicode path field in the local header: tools may show another name');
  const dataStart = start + 30 + nameLength + extraLength;
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > next) {
    fail(`member data (${entry.compressedSize} bytes) runs into the next record`);
    return null;
  }
  const descriptor = (entry.flags & DESCRIPTOR_FLAG) !== 0;
  // Without a data descriptor the local header states the sizes; with one, it may leave them 0.
  const stated = descriptor && local.crc32 === 0 && local.compressedSize === 0 && local.uncompressedSize === 0 ? null : local;
  if (stated) compareValues(stated, entry, 'local header', fail);
  let end = dataEnd;
  if (descriptor) {
    const length = next - dataEnd;
    const values = readDescriptor(readAt(fd, dataEnd, Math.min(length, 24)), length);
    if (!values) fail(`${length} bytes after the data are not a data descriptor`);
    else compareValues(values, entry, 'data descriptor', fail);
    end = values ? next : dataEnd;
  }
  return { entry, dataStart, dataEnd, end };
}

interface Values {
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

function compareValues(v: Values, entry: CentralEntry, where: string, fail: (reason: string) => void): void {
  if (v.compressedSize !== entry.compressedSize) fail(`${where} says ${v.compressedSize} compressed bytes, the central directory ${entry.compressedSize}`);
  if (v.uncompressedSize !== entry.uncompressedSize) fail(`${where} says ${v.uncompressedSize} bytes, the central directory ${entry.uncompressedSize}`);
  if (v.crc32 >>> 0 !== entry.crc32 >>> 0) fail(`${where} CRC-32 differs from the central directory's`);
}

/** The local extra fields' ids; a ZIP64 field replaces the sizes that are 0xFFFFFFFF. */
function readLocalExtra(extra: Buffer, local: Values): number[] | string {
  const ids: number[] = [];
  for (let q = 0; q < extra.length; ) {
    if (q + 4 > extra.length) return 'truncated extra field in the local header';
    const id = extra.readUInt16LE(q);
    const size = extra.readUInt16LE(q + 2);
    if (q + 4 + size > extra.length) return 'local extra field runs past its header';
    ids.push(id);
    if (id === 0x0001) {
      const body = extra.subarray(q + 4, q + 4 + size);
      let r = 0;
      for (const field of ['uncompressedSize', 'compressedSize'] as const) {
        if (local[field] !== 0xffffffff) continue;
        if (r + 8 > body.length) return 'ZIP64 extra field too short in the local header';
        local[field] = Number(body.readBigUInt64LE(r));
        r += 8;
      }
    }
    q += 4 + size;
  }
  return ids;
}

/** A data descriptor of exactly `length` bytes: optional signature, CRC-32, two 4- or 8-byte sizes. */
function readDescriptor(buf: Buffer, length: number): Values | null {
  if (buf.length !== length) return null;
  const signed = length === 16 || length === 24;
  if (signed && buf.readUInt32LE(0) !== SIG.descriptor) return null;
  const p = signed ? 4 : 0;
  const wide = length === 20 || length === 24;
  if (![12, 16, 20, 24].includes(length)) return null;
  const size = (at: number): number => (wide ? Number(buf.readBigUInt64LE(at)) : buf.readUInt32LE(at));
  return { crc32: buf.readUInt32LE(p), compressedSize: size(p + 4), uncompressedSize: size(p + (wide ? 12 : 8)) };
}
