// Hash sets (issue 18): lists of executables' SHA-256 the examiner brings — their organisation's
// known-bad indicators, a vendor's or NSRL's known-good list. Two formats: lines of
// `sha256 [name]` (sha256sum output works as is; `#` starts a comment), or CSV with a header naming
// a SHA-256 column (NSRL RDS-style exports: "sha256", "SHA-256"), optionally a file-name column.
// The set is identified in the report by its file name, its own SHA-256 and its entry count.
import { closeSync, fstatSync, openSync, readFileSync, constants } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { EvidenceError } from '../evidence/errors.js';

export type HashSetKind = 'known-good' | 'known-bad';

export interface HashSetEntry {
  name: string | null;
  line: number;
}

export interface HashSet {
  kind: HashSetKind;
  /** The path as given (for messages) and its file name (for the report). */
  path: string;
  file: string;
  sha256: string;
  /** Distinct hashes in the set. */
  entries: number;
  format: 'lines' | 'csv';
  hashes: Map<string, HashSetEntry>;
}

/** What the report and analysis.json say about a set (no hashes). */
export type HashSetInfo = Omit<HashSet, 'hashes'>;

export function hashSetInfo(s: HashSet): HashSetInfo {
  const { hashes: _h, ...info } = s;
  return info;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
const MAX_BYTES = 1024 ** 3;

export function loadHashSet(path: string, kind: HashSetKind): HashSet {
  let bytes: Buffer;
  let fd: number | null = null;
  try {
    // O_NONBLOCK: a FIFO given by mistake must not hang the analysis; it is refused below.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new EvidenceError(`${path}: hash set is not a regular file`);
    if (st.size > MAX_BYTES) throw new EvidenceError(`${path}: hash set is ${st.size} bytes, more than the 1 GiB this tool reads`, 'keep only the SHA-256 column, or split the set');
    bytes = readFileSync(fd);
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`${path}: cannot read hash set: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first < 0) throw new EvidenceError(`${path}: hash set holds no entries`);
  const head = lines[first] as string;
  const isCsv = !SHA256.test(head.trim().split(/\s+/)[0] ?? '') && head.includes(',');
  const hashes = isCsv ? readCsv(path, lines, first) : readLines(path, lines);
  if (hashes.size === 0) throw new EvidenceError(`${path}: hash set holds no entries`);
  return { kind, path, file: basename(path), sha256, entries: hashes.size, format: isCsv ? 'csv' : 'lines', hashes };
}

function readLines(path: string, lines: string[]): Map<string, HashSetEntry> {
  const out = new Map<string, HashSetEntry>();
  lines.forEach((raw, i) => {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{64})(?:\s+\*?(.*))?$/.exec(l);
    if (!m) throw new EvidenceError(`${path} line ${i + 1}: expected a SHA-256 (64 hex digits) and an optional name, got ${JSON.stringify(l.slice(0, 80))}`);
    const hash = (m[1] as string).toLowerCase();
    if (!out.has(hash)) out.set(hash, { name: m[2]?.trim() || null, line: i + 1 });
  });
  return out;
}

function readCsv(path: string, lines: string[], headerAt: number): Map<string, HashSetEntry> {
  const header = splitCsv(lines[headerAt] as string).map((h) => h.trim().toLowerCase());
  const col = header.findIndex((h) => /^sha-?256$/.test(h));
  if (col < 0) throw new EvidenceError(`${path} line ${headerAt + 1}: CSV header has no SHA-256 column (looked for "sha256" or "SHA-256" among: ${header.join(', ').slice(0, 200)})`);
  const nameCol = header.findIndex((h) => /^(file_?name|name)$/.test(h));
  const out = new Map<string, HashSetEntry>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    const cells = splitCsv(raw);
    const value = (cells[col] ?? '').trim();
    if (!SHA256.test(value)) throw new EvidenceError(`${path} line ${i + 1}: column ${col + 1} is not a SHA-256 (64 hex digits): ${JSON.stringify(value.slice(0, 80))}`);
    const hash = value.toLowerCase();
    if (!out.has(hash)) out.set(hash, { name: nameCol >= 0 ? (cells[nameCol] ?? '').trim() || null : null, line: i + 1 });
  }
  return out;
}

/** One CSV record on one line: quoted fields with "" for a quote. */
function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells;
}

/** The first set of `kind` that lists this hash, with its entry. */
export function lookupHash(sets: HashSet[] | undefined, sha256: string | null | undefined, kind: HashSetKind): { set: HashSet; entry: HashSetEntry } | null {
  if (!sets || !sha256) return null;
  for (const set of sets) {
    if (set.kind !== kind) continue;
    const entry = set.hashes.get(sha256.toLowerCase());
    if (entry) return { set, entry };
  }
  return null;
}
