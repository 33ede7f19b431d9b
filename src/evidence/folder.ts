import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Acquisition } from '../model.js';
import { DIR_MODE, mkdirPrivate, readFileNoFollow, writeFileDurableSync, writeTextDurableSync } from './files.js';
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

/** A JSON array file of any size (parsed/connections.json of a busy host), element by element. */
export function readJsonArray<T>(dir: string, relPath: string): T[] {
  const full = join(dir, relPath);
  try {
    return readJsonArrayFile(full) as T[];
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`${full}: cannot read: ${(err as Error).message}`);
  }
}

export { EvidenceError } from './errors.js';
