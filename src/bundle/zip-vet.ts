// One central-directory entry judged on its own: name, encryption, method, file type, sizes.
import { unsafeNameReason } from './members.js';
import type { CheckFailure, ZipLimits } from './types.js';
import type { CentralEntry } from './zip-scan.js';

export interface VettedEntry {
  entry: CentralEntry;
  name: string;
  directory: boolean;
}

/** Flag bits a bundle member may carry: deflate options (1, 2), data descriptor (3), UTF-8 names (11). */
const ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800;
/** DEFLATE cannot expand more than 1032:1; the allowance covers tiny members. */
export const DEFLATE_MAX_RATIO = 1032;
const S_IFMT = 0o170000;
const TYPES: Record<number, string> = { 0o120000: 'symbolic link', 0o010000: 'FIFO', 0o020000: 'character device', 0o060000: 'block device', 0o140000: 'socket' };

/** The name as shown in messages: UTF-8 when it decodes, else Latin-1. */
export function shownName(entry: CentralEntry): string {
  return decodeUtf8(entry.nameRaw) ?? entry.nameRaw.toString('latin1');
}

export function vetEntry(entry: CentralEntry, limits: ZipLimits, failures: CheckFailure[]): VettedEntry | null {
  const raw = entry.nameRaw;
  const utf8 = (entry.flags & 0x800) !== 0;
  const name = utf8 || raw.every((b) => b < 0x80) ? decodeUtf8(raw) : null;
  const fail = (reason: string): null => {
    failures.push({ member: name ?? raw.toString('latin1'), reason });
    return null;
  };
  if (name === null) return fail(utf8 ? 'name is not valid UTF-8' : 'non-ASCII name without the UTF-8 flag (ambiguous encoding)');
  const directory = name.endsWith('/');
  const unsafe = unsafeNameReason(directory ? name.slice(0, -1) : name);
  if (unsafe) return fail(unsafe);
  if (entry.extraIds.includes(0x7075)) return fail('Info-ZIP Unicode path field: tools may show another name');
  if ((entry.flags & 0x2041) !== 0) return fail('encrypted entry');
  if ((entry.flags & ~ALLOWED_FLAGS) !== 0) return fail(`unsupported flag bits 0x${(entry.flags & ~ALLOWED_FLAGS).toString(16)}`);
  if (entry.method !== 0 && entry.method !== 8) return fail(`unsupported compression method ${entry.method}`);
  const type = fileType(entry);
  if (type !== 'file' && type !== 'directory' && type !== 'unknown') return fail(`${type} (mode 0${((entry.externalAttributes >>> 16) & 0xffff).toString(8)}, made on host ${entry.versionMadeBy >> 8}): only plain files are evidence`);
  if (type !== 'unknown' && (type === 'directory') !== directory) return fail('file type and name disagree (directory)');
  if (directory && entry.uncompressedSize > 0) return fail('directory entry with content');
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) return fail(`stored entry whose sizes differ (${entry.compressedSize} vs ${entry.uncompressedSize})`);
  if (entry.uncompressedSize > limits.maxMemberBytes) return fail(`${entry.uncompressedSize} bytes uncompressed: more than the limit of ${limits.maxMemberBytes}`);
  if (entry.uncompressedSize > entry.compressedSize * limits.maxRatio + 4096) return fail(`compression ratio above ${limits.maxRatio}:1 (zip bomb?)`);
  return { entry, name: directory ? name.slice(0, -1) : name, directory };
}

/**
 * The Unix type bits in the high 16 bits of the external attributes, whatever host the "version made
 * by" names: Info-ZIP's unzip honours them for many hosts (Unix, VMS, Atari, BeOS, OS/390, Mac OS X …),
 * so a link made "on host 30" is still a link. Zero type bits: the DOS directory bit decides.
 */
function fileType(entry: CentralEntry): string {
  const mode = (entry.externalAttributes >>> 16) & S_IFMT;
  if (mode === 0o100000) return 'file';
  if (mode === 0o040000) return 'directory';
  if (mode === 0) return (entry.externalAttributes & 0x10) !== 0 ? 'directory' : 'unknown';
  return TYPES[mode] ?? `unknown file type 0${mode.toString(8)}`;
}

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
