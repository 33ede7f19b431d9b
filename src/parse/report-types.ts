import type { LineAccounting, UnparsedLine } from '../model.js';

/** parsed/parse-report.json: how every artifact was read, line accounting and unparsed lines. */
export interface ArtifactParseSummary {
  artifact: string;
  format: string;
  encoding: string;
  lines: LineAccounting;
  unparsed: UnparsedLine[];
  warnings: string[];
  records: { connections: number; routes: number; unixSockets: number; otherSockets: number; processes: number };
}

export interface ParseReport {
  artifacts: ArtifactParseSummary[];
  totals: { connections: number; routes: number; unixSockets: number; unparsedLines: number };
}
