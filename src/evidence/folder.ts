import { existsSync, mkdirSync, chmodSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Acquisition, Connection, UnixSocket } from '../model.js';
import { DIR_MODE, fsyncDir, mkdirPrivate, readFileNoFollow, writeFileDurableSync, writeTempHashedFlushLater, writeTextDurableSync } from './files.js';
import { isDerivedField, restoreDefaults, type ArtifactDefaults } from './record-defaults.js';
import { decodeRows } from './record-rows.js';
import { findingGroup, leadGroup, restoreShared, type FindingDefaults } from './finding-defaults.js';
import { readJsonArrayFile } from './json-array.js';
import { writeJsonPieces } from './json-pieces.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { EvidenceError } from './errors.js';

// Layout of one evidence folder (../shared/ARCHITECTURE.md). Every stage finds its files here.
export const PATHS = {
  raw: 'raw',
  acquisition: 'acquisition.json',
  custody: 'custody.jsonl',
  parsed: 'parsed',
  connections: 'parsed/connections.json',
  /** Written by versions before issue 16 (a second full copy of every record); never written now. */
  connectionsCsv: 'parsed/connections.csv',
  routes: 'parsed/routes.json',
  routesCsv: 'parsed/routes.csv',
  unixSockets: 'parsed/unix-sockets.json',
  otherSockets: 'parsed/other-sockets.json',
  processes: 'parsed/processes.json',
  parseReport: 'parsed/parse-report.json',
  findings: 'findings.json',
  /** One lead per actor (process, route, peer), beside findings.json. */
  leads: 'leads.json',
  /** Values many findings or leads share, written once (finding-defaults.ts); absent in older folders. */
  findingDefaults: 'finding-defaults.json',
  analysis: 'parsed/analysis.json',
  /** The rows findings point at (from the analysis), small enough for the report to read on any host. */
  findingMarks: 'parsed/finding-marks.json',
  report: 'report',
  reportHtml: 'report/report.html',
  reportPdf: 'report/report.pdf',
  sums: 'SHA256SUMS',
  manifest: 'manifest.json',
  manifestSig: 'manifest.sig',
  certificate: 'examiner-cert.pem',
  /** RFC 3161 time-stamp token over SHA256SUMS (optional seal file). */
  manifestTsr: 'manifest.tsr',
  /** The examiner's statements: identity, scope, notes, conclusions, declaration (statements.ts). */
  statements: 'statements',
  /** Held while a command works on the folder (lock.ts); never evidence, never sealed. */
  lock: '.netcustody.lock',
} as const;

/** File-name-safe form of host-supplied or examiner-supplied text (never trust it in a path). */
export function safeName(text: string, fallback = 'unnamed'): string {
  const cleaned = text
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  return cleaned || fallback;
}

/** yyyymmddThhmmssZ in UTC. */
export function compactUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export interface NewEvidenceFolder {
  dir: string;
  evidenceId: string;
}

/**
 * output/<case>/<host>_<UTC> ; never reuse an existing folder: a suffix makes a new evidence id.
 * Folders are 0700.
 */
export function createEvidenceFolder(outRoot: string, caseId: string, host: string, when: Date): NewEvidenceFolder {
  const caseDir = join(resolve(outRoot), safeName(caseId, 'case'));
  mkdirSync(caseDir, { recursive: true, mode: DIR_MODE });
  const base = `${safeName(host, 'host')}_${compactUtc(when)}`;
  for (let n = 1; n < 10_000; n++) {
    const evidenceId = n === 1 ? base : `${base}-${n}`;
    const dir = join(caseDir, evidenceId);
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir, { mode: DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    chmodSync(dir, DIR_MODE);
    mkdirPrivate(join(dir, PATHS.raw));
    return { dir, evidenceId };
  }
  throw new Error(`cannot create a new evidence folder under ${caseDir}`);
}

/** A fresh acquisition record with the fields every mode shares; callers fill in what they observed. */
export function newAcquisition(base: Pick<Acquisition, 'caseId' | 'evidenceId' | 'examiner' | 'organisation' | 'mode' | 'profile' | 'clock'>): Acquisition {
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...base,
    host: null,
    privileges: null,
    captureWindow: null,
    commands: [],
    imports: [],
    warnings: [],
    status: 'in-progress',
  };
}

export function readAcquisition(dir: string): Acquisition {
  const path = join(dir, PATHS.acquisition);
  if (!existsSync(path)) throw new EvidenceError(`${path}: not an evidence folder (acquisition.json is missing)`);
  try {
    return JSON.parse(readFileNoFollow(path).toString('utf8')) as Acquisition;
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`${path}: cannot read acquisition record: ${(err as Error).message}`);
  }
}

export function writeAcquisition(dir: string, acquisition: Acquisition): void {
  writeFileDurableSync(join(dir, PATHS.acquisition), `${JSON.stringify(acquisition, null, 2)}\n`);
}

/** JSON.stringify(value, null, 2) and a newline, written in pieces (parsed/* can be tens of MB). */
export function writeJson(dir: string, relPath: string, value: unknown): void {
  const full = join(dir, relPath);
  mkdirPrivate(join(full, '..'));
  writeTextDurableSync(full, (write) => {
    writeJsonPieces(value, write);
    write('\n');
  });
}

export function readJson<T>(dir: string, relPath: string): T {
  const full = join(dir, relPath);
  try {
    return JSON.parse(readFileNoFollow(full).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`${full}: cannot read: ${(err as Error).message}`);
  }
}

/**
 * A JSON array file of any size (parsed/connections.json of a busy host), element by element. For
 * parsed/connections.json and unix-sockets.json the fields written once per artifact in
 * parse-report.json (record-defaults.ts) are put back: callers get the records as parsed.
 */
export function readJsonArray<T>(dir: string, relPath: string): T[] {
  const full = join(dir, relPath);
  let records: T[];
  try {
    records = readJsonArrayFile(full) as T[];
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`${full}: cannot read: ${(err as Error).message}`);
  }
  if (relPath === PATHS.findings || relPath === PATHS.leads) return restoreFindingDefaults(dir, relPath, records as object[]) as T[];
  const kind = relPath === PATHS.connections ? 'connections' : relPath === PATHS.unixSockets ? 'unixSockets' : null;
  if (!kind) return records;
  let rows: object[];
  try {
    rows = decodeRows(records);
  } catch (err) {
    throw new EvidenceError(`${full}: ${(err as Error).message}`);
  }
  return restoreDefaults(rows, recordDefaults(dir, kind)) as T[];
}

/** findings.json / leads.json with the values written once in finding-defaults.json put back. */
function restoreFindingDefaults(dir: string, relPath: string, records: object[]): object[] {
  const leads = relPath === PATHS.leads;
  const file = existsSync(join(dir, PATHS.findingDefaults)) ? readJson<Partial<FindingDefaults>>(dir, PATHS.findingDefaults) : {};
  const groups = (leads ? file.leads : file.findings) ?? {};
  try {
    return restoreShared(records, typeof groups === 'object' ? groups : {}, leads ? leadGroup : findingGroup);
  } catch (err) {
    throw new EvidenceError(`${join(dir, relPath)}: ${(err as Error).message}`);
  }
}

/** The loaders of the parsed socket records (every consumer reads them through these). */
export function readConnections(dir: string): Connection[] {
  return readJsonArray<Connection>(dir, PATHS.connections);
}

export function readUnixSockets(dir: string): UnixSocket[] {
  return readJsonArray<UnixSocket>(dir, PATHS.unixSockets);
}

/** parse-report.json's per-artifact record defaults and recomputed fields of one record kind (empty for older folders). */
function recordDefaults(dir: string, kind: string): Map<string, ArtifactDefaults> {
  const out = new Map<string, ArtifactDefaults>();
  if (!existsSync(join(dir, PATHS.parseReport))) return out;
  const report = readJson<{ artifacts?: { artifact: string; recordDefaults?: Record<string, Record<string, unknown>>; recordDerived?: Record<string, unknown> }[] }>(dir, PATHS.parseReport);
  for (const a of report.artifacts ?? []) {
    const d = a.recordDefaults?.[kind];
    const derived = a.recordDerived?.[kind] ?? [];
    // A name this version cannot recompute would silently lose a field: refuse the folder instead.
    if (!Array.isArray(derived) || !derived.every(isDerivedField)) {
      throw new EvidenceError(`${join(dir, PATHS.parseReport)}: recordDerived of ${a.artifact} names fields this version cannot recompute: ${JSON.stringify(derived)}`);
    }
    const values = d && typeof d === 'object' ? d : {};
    if (Object.keys(values).length || derived.length) out.set(a.artifact, { values, derived });
  }
  return out;
}

/** A derived file to publish with others: its path in the folder and what writes its content. */
export interface OutputFile {
  rel: string;
  produce: (write: (piece: string) => void) => void;
}

export interface PublishedFile {
  rel: string;
  sha256: string;
  bytes: number;
}

/**
 * Write several derived files (parsed/*, findings.json …) at once: each to its temporary name,
 * hashed while written; each flushed on libuv's thread pool while the next one is written; once all
 * are on disk, all renamed into place and each folder flushed once (one directory fsync per folder
 * instead of one per file). A crash leaves each file old or new, never half written; a failure
 * before the renames (a full disk, a failed flush) leaves every old file as it was.
 */
export async function publishFiles(dir: string, files: OutputFile[]): Promise<PublishedFile[]> {
  const temps: { rel: string; tmp: string; sha256: string; bytes: number }[] = [];
  const flushes: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  try {
    for (const f of files) {
      const full = join(dir, f.rel);
      mkdirPrivate(dirname(full));
      const { flushed, ...t } = writeTempHashedFlushLater(full, f.produce);
      temps.push({ rel: f.rel, ...t });
      flushes.push(flushed);
    }
  } catch (err) {
    failure = { error: err };
  }
  // Every flush settled (and its file closed) before any temp file is removed or renamed.
  for (const s of await Promise.allSettled(flushes)) if (s.status === 'rejected') failure ??= { error: s.reason };
  if (failure) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw failure.error;
  }
  const folders = new Set<string>();
  for (const t of temps) {
    const full = join(dir, t.rel);
    renameSync(t.tmp, full);
    folders.add(dirname(full));
  }
  for (const f of folders) fsyncDir(f);
  return temps.map(({ rel, sha256, bytes }) => ({ rel, sha256, bytes }));
}

export { EvidenceError } from './errors.js';
