import type { LineAccounting, UnparsedLine } from '../model.js';

/** parsed/parse-report.json: how every artifact was read, line accounting and unparsed lines. */
export interface ArtifactParseSummary {
  artifact: string;
  format: string;
  encoding: string;
  lines: LineAccounting;
  /** The first unparsed lines (line number, excerpt, reason); the rest are only counted. */
  unparsed: UnparsedLine[];
  /** Unparsed lines beyond the listed ones (absent in reports written before the cap: 0). */
  unparsedNotListed?: number;
  /** Every unparsed line counted by reason. */
  unparsedReasons?: Record<string, number>;
  warnings: string[];
  records: { connections: number; routes: number; unixSockets: number; otherSockets: number; processes: number };
  /** Fields written once for the artifact's records (evidence/record-defaults.ts): kind → field → value. */
  recordDefaults?: Record<string, Record<string, unknown>>;
  /** Fields left out where the loader recomputes them exactly (evidence/record-defaults.ts): kind → names. */
  recordDerived?: Record<string, string[]>;
}

export interface ParseReport {
  artifacts: ArtifactParseSummary[];
  totals: { connections: number; routes: number; unixSockets: number; unparsedLines: number };
}
