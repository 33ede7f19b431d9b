// A zip written byte by byte (APPNOTE 6.3.10), so that tests can build exactly the hostile layouts a
// zip library refuses to write: another host byte, two central directories, junk, fake end records.
import { crc32, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflated (default). */
  method?: number;
  /** High byte: host OS (3 Unix, 5 Atari, 16 BeOS, 30 OS/X …); low byte: spec version. */
  versionMadeBy?: number;
  /** Unix mode in the high 16 bits, DOS attributes in the low byte. */
  externalAttributes?: number;
  flags?: number;
  /** Compressed bytes to store instead of deflating `data` (for bombs). */
  compressed?: Buffer;
  /** Overrides of what the central directory or the local header declares. */
  central?: Partial<Declared>;
  local?: Partial<Declared>;
}

export interface Declared {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

export interface Member {
  local: Buffer;
  central(offset: number): Buffer;
}

export function member(e: RawEntry): Member {
  const method = e.method ?? 8;
  const body = e.compressed ?? (method === 8 ? deflateRawSync(e.data) : e.data);
  const real: Declared = { name: e.name, flags: e.flags ?? 0x800, method, crc32: crc32(e.data) >>> 0, compressedSize: body.length, uncompressedSize: e.data.length };
  const l = { ...real, ...e.local };
  const c = { ...real, ...e.central };
  const lname = Buffer.from(l.name, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(l.flags, 6);
  local.writeUInt16LE(l.method, 8);
  local.writeUInt32LE(0x58a15000, 10); // 2024-05-01 10:00:00
  local.writeUInt32LE(l.crc32, 14);
  local.writeUInt32LE(l.compressedSize, 18);
  local.writeUInt32LE(l.uncompressedSize, 22);
  local.writeUInt16LE(lname.length, 26);
  return {
    local: Buffer.concat([local, lname, body]),
    central(offset: number): Buffer {
      const cname = Buffer.from(c.name, 'utf8');
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(e.versionMadeBy ?? 0x0314, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(c.flags, 8);
      h.writeUInt16LE(c.method, 10);
      h.writeUInt32LE(0x58a15000, 12);
      h.writeUInt32LE(c.crc32, 16);
      h.writeUInt32LE(c.compressedSize, 20);
      h.writeUInt32LE(c.uncompressedSize, 24);
      h.writeUInt16LE(cname.length, 28);
      h.writeUInt32LE((e.externalAttributes ?? 0o100644 << 16) >>> 0, 38);
      h.writeUInt32LE(offset, 42);
      return Buffer.concat([h, cname]);
    },
  };
}

export function endRecord(entries: number, cdSize: number, cdOffset: number, comment = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(entries, 8);
  b.writeUInt16LE(entries, 10);
  b.writeUInt32LE(cdSize, 12);
  b.writeUInt32LE(cdOffset, 16);
  b.writeUInt16LE(comment.length, 20);
  return Buffer.concat([b, comment]);
}

/** ZIP64 end record followed by its locator (which points at `recordOffset`). */
export function zip64End(entries: number, cdSize: number, cdOffset: number, recordOffset: number): Buffer {
  const r = Buffer.alloc(56);
  r.writeUInt32LE(0x06064b50, 0);
  r.writeBigUInt64LE(44n, 4);
  r.writeUInt16LE(45, 12);
  r.writeUInt16LE(45, 14);
  r.writeBigUInt64LE(BigInt(entries), 24);
  r.writeBigUInt64LE(BigInt(entries), 32);
  r.writeBigUInt64LE(BigInt(cdSize), 40);
  r.writeBigUInt64LE(BigInt(cdOffset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(recordOffset), 8);
  loc.writeUInt32LE(1, 16);
  return Buffer.concat([r, loc]);
}

export interface Layout {
  /** Bytes before the first member. */
  prefix?: Buffer;
  /** Bytes after each member (index → junk). */
  after?: Record<number, Buffer>;
  comment?: Buffer;
}

/** Members, central directory and end record, with optional junk where a layout asks for it. */
export function buildZip(entries: RawEntry[], layout: Layout = {}): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    offset += b.length;
  };
  if (layout.prefix) push(layout.prefix);
  const centrals: Buffer[] = [];
  entries.forEach((e, i) => {
    const m = member(e);
    centrals.push(m.central(offset));
    push(m.local);
    if (layout.after?.[i]) push(layout.after[i]);
  });
  const cd = Buffer.concat(centrals);
  const cdOffset = offset;
  push(cd);
  push(endRecord(entries.length, cd.length, cdOffset, layout.comment));
  return Buffer.concat(parts);
}
