// Everything the report reads from an evidence folder. Parsed files may be missing (a stage not run
// yet); the report then says so instead of failing. The raw files are only read.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, Connection, CustodyEvent, Finding, ProcessFacts, Route } from '../model.js';
import { readCustody, verifyCustodyFile, type ChainCheck } from '../evidence/custody.js';
import { PATHS, readAcquisition, readJson } from '../evidence/folder.js';
import type { ParseReport } from '../parse/report-types.js';

/** parsed/analysis.json as the analyzer writes it (only the parts the report uses). */
export interface AnalysisFile {
  connectionAnnotations?: { source: { artifact: string; line: number }; findingIds: string[]; direction?: string }[];
  routeAnnotations?: { source: { artifact: string; line: number }; findingIds: string[] }[];
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
  analysis: AnalysisFile | null;
  /** Parsed files that were not there (the report lists them as limitations). */
  missing: string[];
}

function optional<T>(dir: string, rel: string, missing: string[], fallback: T): T {
  if (!existsSync(join(dir, rel))) {
    missing.push(rel);
    return fallback;
  }
  return readJson<T>(dir, rel);
}

export function loadReportInput(dir: string): ReportInput {
  const acquisition = readAcquisition(dir);
  const missing: string[] = [];
  const connections = optional<Connection[]>(dir, PATHS.connections, missing, []);
  const routes = optional<Route[]>(dir, PATHS.routes, missing, []);
  const processes = optional<ProcessFacts[]>(dir, PATHS.processes, missing, []);
  const parseReport = optional<ParseReport | null>(dir, PATHS.parseReport, missing, null);
  const findings = optional<Finding[]>(dir, PATHS.findings, missing, []);
  const analysis = existsSync(join(dir, PATHS.analysis)) ? readJson<AnalysisFile>(dir, PATHS.analysis) : null;
  return {
    dir,
    acquisition,
    custody: readCustody(dir),
    chain: verifyCustodyFile(dir),
    connections: Array.isArray(connections) ? connections : [],
    routes: Array.isArray(routes) ? routes : [],
    processes: Array.isArray(processes) ? processes : [],
    parseReport,
    findings: Array.isArray(findings) ? findings : [],
    analysis,
    missing,
  };
}
