// Everything the report reads from an evidence folder. Parsed files may be missing (a stage not run
// yet); the report then says so instead of failing. The raw files are only read.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, Connection, CustodyEvent, Finding, ProcessFacts, Route } from '../model.js';
import { readCustody, verifyCustodyFile, type ChainCheck } from '../evidence/custody.js';
import { PATHS, readAcquisition, readJson, readJsonArray } from '../evidence/folder.js';
import type { ParseReport } from '../parse/report-types.js';
import { loadLeads, type LeadRecord } from './view-leads.js';

interface Mark {
  source: { artifact: string; line: number };
  findingIds: string[];
}

/** The rows findings point at, from parsed/finding-marks.json (or an older folder's analysis.json). */
export interface AnalysisFile {
  connectionAnnotations?: Mark[];
  routeAnnotations?: Mark[];
}

/** Older folders have only analysis.json, which annotates every socket: read it while it is small. */
const MAX_ANALYSIS_BYTES = 256 * 1024 * 1024;

function readMarks(dir: string, notes: string[]): AnalysisFile | null {
  if (existsSync(join(dir, PATHS.findingMarks))) {
    const marks = readJson<{ connections?: Mark[]; routes?: Mark[] }>(dir, PATHS.findingMarks);
    return { connectionAnnotations: marks.connections ?? [], routeAnnotations: marks.routes ?? [] };
  }
  const analysis = join(dir, PATHS.analysis);
  if (!existsSync(analysis)) return null;
  if (statSync(analysis).size > MAX_ANALYSIS_BYTES) {
    notes.push(`${PATHS.analysis} is too large to read (${Math.round(statSync(analysis).size / 1e6)} MB) and ${PATHS.findingMarks} is missing: rows are marked from the findings' own references only (run analyze again to write it).`);
    return null;
  }
  return readJson<AnalysisFile>(dir, PATHS.analysis);
}

export interface ReportInput {
  dir: string;
  acquisition: Acquisition;
  custody: CustodyEvent[];
  chain: ChainCheck;
  connections: Connection[];
  routes: Route[];
  processes: ProcessFacts[];
  parseReport: ParseReport | null;
  findings: Finding[];
  /** leads.json, or leads grouped from the findings for folders analysed before leads existed. */
  leads: LeadRecord[];
  analysis: AnalysisFile | null;
  /** Parsed files that were not there (the report lists them as limitations). */
  missing: string[];
  /** Other limits met while reading (listed with the limitations). */
  notes: string[];
}

/**
 * A parsed file, or `fallback` noted as missing. The arrays are read element by element
 * (readJsonArray): a million sockets make ~450 MB of JSON.
 */
function optional<T>(dir: string, rel: string, missing: string[], fallback: T, read: (dir: string, rel: string) => T = readJson): T {
  if (!existsSync(join(dir, rel))) {
    missing.push(rel);
    return fallback;
  }
  return read(dir, rel);
}

export function loadReportInput(dir: string): ReportInput {
  const acquisition = readAcquisition(dir);
  const missing: string[] = [];
  const connections = optional<Connection[]>(dir, PATHS.connections, missing, [], readJsonArray);
  const routes = optional<Route[]>(dir, PATHS.routes, missing, [], readJsonArray);
  const processes = optional<ProcessFacts[]>(dir, PATHS.processes, missing, [], readJsonArray);
  const parseReport = optional<ParseReport | null>(dir, PATHS.parseReport, missing, null);
  const findings = optional<Finding[]>(dir, PATHS.findings, missing, [], readJsonArray);
  const notes: string[] = [];
  const analysis = readMarks(dir, notes);
  return {
    dir,
    acquisition,
    custody: readCustody(dir),
    chain: verifyCustodyFile(dir),
    connections,
    routes,
    processes,
    parseReport,
    findings,
    leads: loadLeads(dir, findings).leads,
    analysis,
    missing,
    notes,
  };
}
